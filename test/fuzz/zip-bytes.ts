// Byte-level builders for hostile archives: a zip writer that takes each entry's declared sizes as given,
// and deflate streams of many zeros made without ever holding the inflated bytes (zip bombs).

import { constants, crc32, deflateRawSync } from "node:zlib";

export interface RawZipEntry {
  name: string;
  /** 0 stored, 8 deflate. */
  method: 0 | 8;
  /** The bytes as they sit in the file (compressed when method 8). */
  data: Uint8Array;
  /** Declared uncompressed size and CRC-32. */
  size: number;
  crc: number;
}

const u16 = (n: number) => [n & 0xff, (n >>> 8) & 0xff];
const u32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];

/** A stored entry holding `data`. */
export function storedEntry(name: string, data: Uint8Array): RawZipEntry {
  return { name, method: 0, data, size: data.length, crc: crc32(data) >>> 0 };
}

/** A zip archive (no zip64: every size must stay below 4 GiB) around the entries, in order. */
export function zipBytes(entries: RawZipEntry[]): Uint8Array {
  const parts: number[][] = [];
  const central: number[] = [];
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = new TextEncoder().encode(e.name);
    const common = [...u16(20), ...u16(0), ...u16(e.method), ...u16(0), ...u16(0x21)];
    const sizes = [...u32(e.crc), ...u32(e.data.length), ...u32(e.size), ...u16(name.length), ...u16(0)];
    const local = Uint8Array.from([...u32(0x04034b50), ...common, ...sizes, ...name]);
    central.push(...u32(0x02014b50), ...u16(20), ...common, ...sizes, ...u16(0), ...u16(0), ...u16(0));
    central.push(...u32(0), ...u32(offset), ...name);
    chunks.push(local, e.data);
    offset += local.length + e.data.length;
  }
  parts.push(central);
  const end = [...u32(0x06054b50), 0, 0, 0, 0, ...u16(entries.length), ...u16(entries.length)];
  end.push(...u32(central.length), ...u32(offset), 0, 0);
  const all = [...chunks, Uint8Array.from(central), Uint8Array.from(end)];
  const out = new Uint8Array(all.reduce((a, c) => a + c.length, 0));
  let p = 0;
  for (const c of all) {
    out.set(c, p);
    p += c.length;
  }
  return out;
}

const CHUNK = 1 << 20;
/** Deflate of CHUNK zero bytes ending on a byte boundary (sync flush), so copies can be concatenated. */
let zeroBlock: Uint8Array | undefined;
const syncDeflate = (b: Uint8Array): Uint8Array =>
  new Uint8Array(deflateRawSync(b, { level: 9, finishFlush: constants.Z_SYNC_FLUSH }));

/**
 * A deflated entry that inflates to `head` followed by zeros, `size` bytes in all (rounded up to whole MiB
 * after the head's chunk), with a correct CRC. About 1 KB per MiB inflated: the ratio of a real zip bomb.
 */
export function zeroBombEntry(name: string, size: number, head: Uint8Array = new Uint8Array(0)): RawZipEntry {
  zeroBlock ??= syncDeflate(new Uint8Array(CHUNK));
  const first = new Uint8Array(CHUNK);
  first.set(head.subarray(0, CHUNK));
  const firstBlock = syncDeflate(first);
  const copies = Math.max(0, Math.ceil((size - CHUNK) / CHUNK));
  const data = new Uint8Array(firstBlock.length + copies * zeroBlock.length + 2);
  data.set(firstBlock, 0);
  let crc = crc32(first);
  const zeros = new Uint8Array(CHUNK);
  for (let i = 0; i < copies; i++) {
    data.set(zeroBlock, firstBlock.length + i * zeroBlock.length);
    crc = crc32(zeros, crc);
  }
  // a final, empty fixed-Huffman block ends the stream
  data.set([0x03, 0x00], data.length - 2);
  return { name, method: 8, data, size: CHUNK * (copies + 1), crc: crc >>> 0 };
}
