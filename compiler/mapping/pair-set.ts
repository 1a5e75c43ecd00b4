// A set of (int, int) pairs in typed arrays (open addressing, linear probing, at most half full): the mapping
// check's routes and traffic pairs — millions on a rack-size system, where a Map of Sets and an array of edge
// objects held tens of bytes a pair each as heap objects.

export class PairSet {
  private keyA: Int32Array;
  private keyB: Int32Array;
  private mask: number;
  size = 0;

  constructor(capacity = 1024) {
    let n = 1024;
    while (n < 2 * capacity) n *= 2;
    this.keyA = new Int32Array(n).fill(-1);
    this.keyB = new Int32Array(n);
    this.mask = n - 1;
  }

  private first(a: number, b: number): number {
    return (Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca6b)) & this.mask;
  }

  /** Whether (a, b) (both ≥ 0) is in the set. */
  has(a: number, b: number): boolean {
    const { keyA, keyB, mask } = this;
    for (let h = this.first(a, b); ; h = (h + 1) & mask) {
      const k = keyA[h]!;
      if (k === -1) return false;
      if (k === a && keyB[h] === b) return true;
    }
  }

  /** Adds (a, b) (both ≥ 0); true when it was not in the set. */
  add(a: number, b: number): boolean {
    if (2 * (this.size + 1) > this.keyA.length) this.grow();
    const { keyA, keyB, mask } = this;
    let h = this.first(a, b);
    for (; keyA[h] !== -1; h = (h + 1) & mask) if (keyA[h] === a && keyB[h] === b) return false;
    keyA[h] = a;
    keyB[h] = b;
    this.size++;
    return true;
  }

  private grow(): void {
    const [a, b] = [this.keyA, this.keyB];
    let n = a.length * 2;
    while (n < 2 * (this.size + 1)) n *= 2;
    this.keyA = new Int32Array(n).fill(-1);
    this.keyB = new Int32Array(n);
    this.mask = n - 1;
    this.size = 0;
    for (let h = 0; h < a.length; h++) if (a[h] !== -1) this.add(a[h]!, b[h]!);
  }
}
