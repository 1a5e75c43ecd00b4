// An (int, int) → int hash table in typed arrays (open addressing, linear probing): the NoC's slot-pair ids, and
// (as a set) the mapping check's routes and traffic pairs.
// A Map keyed by a·slots + b boxes every key once slots² passes 2^31 (57,000 cores in use: 3.3·10⁹) and holds
// millions of entries as heap objects; this holds 12 bytes a slot at most half full.

export class PairHash {
  private keyA: Int32Array;
  private keyB: Int32Array;
  private value: Int32Array;
  private mask: number;
  size = 0;

  constructor(capacity = 1024) {
    let n = 1024;
    while (n < 2 * capacity) n *= 2;
    this.keyA = new Int32Array(n).fill(-1);
    this.keyB = new Int32Array(n);
    this.value = new Int32Array(n);
    this.mask = n - 1;
  }

  private slot(a: number, b: number): number {
    return (Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca6b)) & this.mask;
  }

  /** The value of (a, b) (both ≥ 0), or −1. */
  get(a: number, b: number): number {
    const { keyA, keyB, mask } = this;
    for (let h = this.slot(a, b); ; h = (h + 1) & mask) {
      const k = keyA[h]!;
      if (k === -1) return -1;
      if (k === a && keyB[h] === b) return this.value[h]!;
    }
  }

  /** Whether (a, b) (both ≥ 0) has a value. */
  has(a: number, b: number): boolean {
    return this.get(a, b) !== -1;
  }

  /** Sets (a, b) → v for a key not present yet. */
  add(a: number, b: number, v: number): void {
    if (2 * (this.size + 1) > this.keyA.length) this.grow();
    const { keyA, mask } = this;
    let h = this.slot(a, b);
    while (keyA[h] !== -1) h = (h + 1) & mask;
    keyA[h] = a;
    this.keyB[h] = b;
    this.value[h] = v;
    this.size++;
  }

  private grow(): void {
    const [a, b, v] = [this.keyA, this.keyB, this.value];
    const n = a.length * 2;
    this.keyA = new Int32Array(n).fill(-1);
    this.keyB = new Int32Array(n);
    this.value = new Int32Array(n);
    this.mask = n - 1;
    this.size = 0;
    for (let h = 0; h < a.length; h++) if (a[h] !== -1) this.add(a[h]!, b[h]!, v[h]!);
  }
}
