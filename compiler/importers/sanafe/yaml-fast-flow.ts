// The fast YAML reader's state and its flow part (yaml-fast.ts adds the block part and reads a document): flow maps
// and sequences with the scalars in them, number lists by their own loop, and where each container's children
// start. Anything outside the subset throws Unsupported, which never leaves the reader.

import { setKey } from "./yaml-fast-line.js";
import type { YValue } from "./yaml-read.js";

/** Where a container's children start: their keys in file order (maps only) and 1-based lines — or, for a
 * container whose children all start on one line (most flow collections), that line alone: ~10⁵ fewer small
 * objects for the garbage collector to copy on a large file. */
export type Places = { keys?: string[]; lines: number[] } | number;

/** Thrown inside the reader for anything outside its subset; never escapes `readFastYaml`. */
export class Unsupported extends Error {}

export const MAX_DEPTH = 64;
export const MAX_KEY = 1024;
/** The line of a node the package gives no position (a pair in a flow sequence): its parent's is used. */
export const NO_LINE = -1;
export const SP = 32;
export const NL = 10;
export const HASH = 35;
export const COLON = 58;
export const DASH = 45;
export const QUOTE1 = 39;
export const QUOTE2 = 34;
const BACKSLASH = 92;
/** Characters no plain scalar may start with (YAML's indicators), besides `-`, `?` and `:` before a blank. */
const BAD_START = new Set([..."[]{},#&*!|>'\"%@`"].map((c) => c.charCodeAt(0)));
const FLOW_END = new Set([..."[]{},"].map((c) => c.charCodeAt(0)));

/** The reader's place in the text, and its flow part. */
export class FlowReader {
  protected pos = 0;
  protected lineNo = 1;
  protected lineStart = 0;
  /** Indentation of the content line the reader stands on; −1 at the end of the text. */
  protected indent = 0;
  /** A plain Map: it lives and dies with the document, and a WeakMap of ~10⁵ keys is slow to collect. */
  readonly places = new Map<object, Places>();

  constructor(protected readonly s: string) {}

  protected code(i = this.pos): number {
    return i < this.s.length ? this.s.charCodeAt(i) : -1;
  }

  protected blankOrEnd(i: number): boolean {
    const c = this.code(i);
    return c === SP || c === NL || c === -1;
  }

  /** Keeps where `v`'s children start — unless `v` is a flow collection opened on line `opened` whose children
   * all start on that line too (most mapping entries): `line()` gives them the collection's own line, and the
   * map holds ~10⁵ fewer entries. */
  protected record(v: object, keys: string[] | undefined, lines: number[], opened = NO_LINE): void {
    const first = lines[0];
    let one = first !== undefined && first !== NO_LINE;
    for (let i = 1; one && i < lines.length; i++) one = lines[i] === first;
    if (one && first === opened) return;
    this.places.set(v, one ? first! : keys ? { keys, lines } : { lines });
  }

  /** Refuses a plain scalar that would start with an indicator. */
  protected plainStart(flow: boolean): void {
    const c = this.code();
    if (c === -1 || c === NL || BAD_START.has(c)) throw new Unsupported();
    if (c === DASH || c === 63 || c === COLON) {
      const n = this.code(this.pos + 1);
      if (n === SP || n === NL || n === -1 || (flow && FLOW_END.has(n))) throw new Unsupported();
    }
  }

  /** A one-line single- or double-quoted scalar (double without escapes). */
  protected quoted(): string {
    const q = this.code();
    let out = "";
    let from = ++this.pos;
    for (;;) {
      const d = this.code();
      if (d === -1 || d === NL || (q === QUOTE2 && d === BACKSLASH)) throw new Unsupported();
      if (d === q) {
        if (q === QUOTE1 && this.code(this.pos + 1) === QUOTE1) {
          out += this.s.slice(from, this.pos + 1);
          this.pos += 2;
          from = this.pos;
          continue;
        }
        out += this.s.slice(from, this.pos);
        this.pos++;
        return out;
      }
      this.pos++;
    }
  }

  /** Spaces, line breaks (continuation lines indented past the block at `indent`) and comments in a flow. */
  protected flowSpace(indent: number): void {
    for (;;) {
      const c = this.code();
      if (c === SP) this.pos++;
      else if (c === HASH && this.code(this.pos - 1) === SP) {
        const nl = this.s.indexOf("\n", this.pos);
        this.pos = nl < 0 ? this.s.length : nl;
      } else if (c === NL) {
        this.pos++;
        this.lineNo++;
        this.lineStart = this.pos;
        while (this.code() === SP) this.pos++;
        if (this.pos - this.lineStart <= indent && this.code() !== NL) throw new Unsupported();
      } else return;
    }
  }

  /**
   * A flow sequence of plain decimal numbers (`[-40, 92, 1.5, …]` over any lines: a weight list) read by one small
   * loop — the same strings and lines `flow` gives them, at a fraction of the cost on the ~10⁵ numbers of a large
   * network; undefined (the reader back where it was) at anything else.
   */
  protected numberSeq(indent: number): YValue[] | undefined {
    const [pos, lineNo, lineStart] = [this.pos, this.lineNo, this.lineStart];
    const s = this.s;
    const arr: string[] = [];
    const lines: number[] = [];
    const opened = this.lineNo;
    this.pos++;
    this.flowSpace(indent);
    for (;;) {
      const start = this.pos;
      let i = start;
      let c = s.charCodeAt(i);
      if (c === DASH || c === 43) c = s.charCodeAt(++i);
      const digits = i;
      while (c >= 48 && c <= 57) c = s.charCodeAt(++i);
      if (i === digits) break;
      if (c === 46) {
        c = s.charCodeAt(++i);
        while (c >= 48 && c <= 57) c = s.charCodeAt(++i);
      }
      arr.push(s.slice(start, i));
      lines.push(this.lineNo);
      while (c === SP) c = s.charCodeAt(++i);
      this.pos = i + 1;
      if (c === 93) {
        this.record(arr, undefined, lines, opened);
        return arr;
      }
      if (c !== 44) break;
      this.flowSpace(indent);
    }
    [this.pos, this.lineNo, this.lineStart] = [pos, lineNo, lineStart];
    return undefined;
  }

  /** A flow map or sequence inside the block at `indent`. */
  protected flow(indent: number, depth: number): YValue {
    if (depth > MAX_DEPTH) throw new Unsupported();
    if (this.code() === 91) {
      const numbers = this.numberSeq(indent);
      if (numbers) return numbers;
    }
    const map = this.code() === 123;
    const close = map ? 125 : 93;
    const opened = this.lineNo;
    this.pos++;
    const obj: { [key: string]: YValue } = {};
    const arr: YValue[] = [];
    const keys: string[] = [];
    const lines: number[] = [];
    this.flowSpace(indent);
    if (this.code() === close) this.pos++;
    else
      for (;;) {
        if (map) {
          const c = this.code();
          const key = c === QUOTE1 || c === QUOTE2 ? this.quoted() : this.flowPlain();
          if (this.code() !== COLON || key.length > MAX_KEY || key === "__proto__" || Object.hasOwn(obj, key))
            throw new Unsupported();
          this.pos++;
          this.flowSpace(indent);
          const line = this.lineNo;
          setKey(obj, key, this.flowValue(indent, depth));
          keys.push(key);
          lines.push(line);
        } else {
          const c = this.code();
          const scalar = c !== 123 && c !== 91;
          const line = this.lineNo;
          const item = this.flowValue(indent, depth);
          if (scalar && this.code() === COLON) {
            // `[key: value]`: a one-pair map, which the package keeps as a bare pair with no line of its own
            if (typeof item !== "string" || item.length > MAX_KEY || item === "__proto__")
              throw new Unsupported();
            this.pos++;
            this.flowSpace(indent);
            const v = this.flowValue(indent, depth);
            lines.push(NO_LINE);
            arr.push({ [item]: v });
          } else {
            lines.push(line);
            arr.push(item);
          }
        }
        this.flowSpace(indent);
        const d = this.code();
        if (d === close) {
          this.pos++;
          break;
        }
        if (d !== 44) throw new Unsupported();
        this.pos++;
        this.flowSpace(indent);
        if (this.code() === close) throw new Unsupported(); // a trailing comma
      }
    const v = map ? obj : arr;
    this.record(v, map ? keys : undefined, lines, opened);
    return v;
  }

  protected flowValue(indent: number, depth: number): YValue {
    const c = this.code();
    if (c === 123 || c === 91) return this.flow(indent, depth + 1);
    if (c === QUOTE1 || c === QUOTE2) return this.quoted();
    return this.flowPlain();
  }

  /** A plain scalar in a flow: up to a flow indicator, a `: `, a comment or the end of the line. */
  protected flowPlain(): string {
    this.plainStart(true);
    const start = this.pos;
    for (;;) {
      const d = this.code();
      if (d === NL || d === -1 || FLOW_END.has(d)) break;
      if (d === HASH && this.code(this.pos - 1) === SP) break;
      if (d === COLON) {
        const n = this.code(this.pos + 1);
        if (n === SP || n === NL || n === -1 || FLOW_END.has(n)) break;
      }
      this.pos++;
    }
    const v = this.s.slice(start, this.pos).trimEnd();
    // a plain scalar folded over lines is outside the subset
    if (this.code() === NL || this.code() === -1 || this.code() === HASH) throw new Unsupported();
    return v;
  }
}
