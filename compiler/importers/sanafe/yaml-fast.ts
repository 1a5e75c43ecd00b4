// A fast reader for the plain YAML SANA-FE files are written in (block maps and sequences, one-line flow
// collections, plain and simply quoted scalars, comments): the same values as the `yaml` package's failsafe
// schema, and each node's line, in a small fraction of its time and memory. Anything else returns undefined and
// the caller reads the file with the `yaml` package, so every other document keeps that package's semantics.

import { lineFlowMap, setKey } from "./yaml-fast-line.js";
import type { YPath, YValue } from "./yaml-read.js";

/** A document read by the fast reader: its values and the line of the node at a key path. */
export interface FastYaml {
  root: YValue;
  /** The 1-based line of the node at `path`, or of its nearest existing ancestor (as `yaml`'s getIn finds it). */
  line(path: YPath): number;
}

/** Where a container's children start: their keys in file order (maps only) and 1-based lines — or, for a
 * container whose children all start on one line (most flow collections), that line alone: ~10⁵ fewer small
 * objects for the garbage collector to copy on a large file. */
type Places = { keys?: string[]; lines: number[] } | number;

/** Thrown inside the reader for anything outside its subset; never escapes `readFastYaml`. */
class Unsupported extends Error {}

const MAX_DEPTH = 64;
const MAX_KEY = 1024;
/** The line of a node the package gives no position (a pair in a flow sequence): its parent's is used. */
const NO_LINE = -1;
const SP = 32;
const NL = 10;
const HASH = 35;
const COLON = 58;
const DASH = 45;
const QUOTE1 = 39;
const QUOTE2 = 34;
const BACKSLASH = 92;
/** Characters no plain scalar may start with (YAML's indicators), besides `-`, `?` and `:` before a blank. */
const BAD_START = new Set([..."[]{},#&*!|>'\"%@`"].map((c) => c.charCodeAt(0)));
const FLOW_END = new Set([..."[]{},"].map((c) => c.charCodeAt(0)));

class Reader {
  private pos = 0;
  private lineNo = 1;
  private lineStart = 0;
  /** Indentation of the content line the reader stands on; −1 at the end of the text. */
  private indent = 0;
  /** A plain Map: it lives and dies with the document, and a WeakMap of ~10⁵ keys is slow to collect. */
  readonly places = new Map<object, Places>();

  constructor(private readonly s: string) {}

  private code(i = this.pos): number {
    return i < this.s.length ? this.s.charCodeAt(i) : -1;
  }

  private blankOrEnd(i: number): boolean {
    const c = this.code(i);
    return c === SP || c === NL || c === -1;
  }

  /** Skips spaces and a comment to the end of the line; whether nothing else was there. */
  private restBlank(): boolean {
    while (this.code() === SP) this.pos++;
    const c = this.code();
    if (c === HASH && (this.pos === this.lineStart || this.code(this.pos - 1) === SP)) {
      const nl = this.s.indexOf("\n", this.pos);
      this.pos = nl < 0 ? this.s.length : nl;
      return true;
    }
    return c === NL || c === -1;
  }

  /** From the end of a line, to the first character of the next content line; sets and returns its indent. */
  private nextContent(): number {
    for (;;) {
      if (this.pos >= this.s.length) return this.atEnd();
      if (this.code() === NL) {
        this.pos++;
        this.lineNo++;
        this.lineStart = this.pos;
      }
      while (this.code() === SP) this.pos++;
      const c = this.code();
      if (c === -1) return this.atEnd();
      if (c === NL) continue;
      if (c === HASH) {
        const nl = this.s.indexOf("\n", this.pos);
        this.pos = nl < 0 ? this.s.length : nl;
        continue;
      }
      const col = this.pos - this.lineStart;
      // document markers and directives are outside the subset
      if (col === 0 && (c === 37 || this.s.startsWith("---", this.pos) || this.s.startsWith("...", this.pos)))
        throw new Unsupported();
      this.indent = col;
      return col;
    }
  }

  private atEnd(): number {
    this.indent = -1;
    return -1;
  }

  /** Keeps where `v`'s children start — unless `v` is a flow collection opened on line `opened` whose children
   * all start on that line too (most mapping entries): `line()` gives them the collection's own line, and the
   * map holds ~10⁵ fewer entries. */
  private record(v: object, keys: string[] | undefined, lines: number[], opened = NO_LINE): void {
    const first = lines[0];
    let one = first !== undefined && first !== NO_LINE;
    for (let i = 1; one && i < lines.length; i++) one = lines[i] === first;
    if (one && first === opened) return;
    this.places.set(v, one ? first! : keys ? { keys, lines } : { lines });
  }

  /** The document: one block node and nothing after it. */
  document(): { root: YValue; line: number } {
    if (this.nextContent() < 0) throw new Unsupported();
    const line = this.lineNo;
    const root = this.blockNode(this.indent, 0);
    if (this.indent >= 0 || typeof root !== "object") throw new Unsupported();
    return { root, line };
  }

  /** A block node whose first token is at the reader (column `col`); ends on the next content line. */
  private blockNode(col: number, depth: number): YValue {
    if (depth > MAX_DEPTH) throw new Unsupported();
    const c = this.code();
    if (c === DASH && this.blankOrEnd(this.pos + 1)) return this.blockSeq(col, depth);
    if (c === 123 || c === 91) {
      const v = this.flow(col, depth);
      if (!this.restBlank()) throw new Unsupported();
      this.nextContent();
      return v;
    }
    if (this.keyAhead()) return this.blockMap(col, depth);
    const v = this.inlineScalar();
    this.nextContent();
    return v;
  }

  /** Whether the line from the reader holds `key:` (a plain or quoted key and a colon before a blank). */
  private keyAhead(): boolean {
    const c = this.code();
    if (c === QUOTE1 || c === QUOTE2) {
      const at = this.pos;
      this.quoted();
      while (this.code() === SP) this.pos++;
      const key = this.code() === COLON && this.blankOrEnd(this.pos + 1);
      this.pos = at;
      return key;
    }
    for (let j = this.pos; j < this.s.length; j++) {
      const d = this.s.charCodeAt(j);
      if (d === NL) return false;
      if (d === COLON && this.blankOrEnd(j + 1)) return true;
      if (d === HASH && this.s.charCodeAt(j - 1) === SP) return false;
    }
    return false;
  }

  private blockMap(indent: number, depth: number): YValue {
    const obj: { [key: string]: YValue } = {};
    const keys: string[] = [];
    const lines: number[] = [];
    for (;;) {
      const key = this.blockKey();
      if (key === "__proto__" || Object.hasOwn(obj, key)) throw new Unsupported();
      let v: YValue;
      let line = this.lineNo;
      while (this.code() === SP) this.pos++;
      if (this.restBlank()) {
        const ind = this.nextContent();
        if (ind > indent) {
          line = this.lineNo;
          v = this.blockNode(ind, depth + 1);
        } else if (ind === indent && this.code() === DASH && this.blankOrEnd(this.pos + 1)) {
          line = this.lineNo;
          v = this.blockSeq(ind, depth + 1);
        } else v = "";
      } else {
        const c = this.code();
        if (c === 123 || c === 91) {
          v = this.flow(indent, depth + 1);
          if (!this.restBlank()) throw new Unsupported();
        } else v = this.inlineScalar();
        this.nextContent();
      }
      setKey(obj, key, v);
      keys.push(key);
      lines.push(line);
      if (this.indent > indent) throw new Unsupported();
      if (this.indent < indent) break;
      if (this.code() === DASH && this.blankOrEnd(this.pos + 1)) throw new Unsupported();
    }
    this.record(obj, keys, lines);
    return obj;
  }

  /** A block map key and its colon. */
  private blockKey(): string {
    const c = this.code();
    let key: string;
    if (c === QUOTE1 || c === QUOTE2) {
      key = this.quoted();
      while (this.code() === SP) this.pos++;
    } else {
      this.plainStart(false);
      const start = this.pos;
      while (!(this.code() === COLON && this.blankOrEnd(this.pos + 1))) {
        const d = this.code();
        if (d === NL || d === -1 || (d === HASH && this.code(this.pos - 1) === SP)) throw new Unsupported();
        this.pos++;
      }
      key = this.s.slice(start, this.pos).trimEnd();
    }
    if (this.code() !== COLON || key.length > MAX_KEY) throw new Unsupported();
    this.pos++;
    return key;
  }

  private blockSeq(indent: number, depth: number): YValue {
    const arr: YValue[] = [];
    const lines: number[] = [];
    for (;;) {
      this.pos++; // the dash
      let line = this.lineNo;
      let v: YValue;
      while (this.code() === SP) this.pos++;
      if (this.restBlank()) {
        const ind = this.nextContent();
        if (ind > indent) {
          line = this.lineNo;
          v = this.blockNode(ind, depth + 1);
        } else v = "";
      } else {
        if (this.code() === DASH && this.blankOrEnd(this.pos + 1)) throw new Unsupported();
        // the line most SANA-FE files repeat thousands of times, `- {'5.0': {core: '0.0'}}`, in one pass
        const flat =
          this.code() === 123 && depth + 4 <= MAX_DEPTH ? lineFlowMap(this.s, this.pos) : undefined;
        if (flat) {
          v = flat.value;
          this.pos = flat.end;
          this.nextContent();
        } else v = this.blockNode(this.pos - this.lineStart, depth + 1);
      }
      arr.push(v);
      lines.push(line);
      if (this.indent > indent) throw new Unsupported();
      if (this.indent < indent || !(this.code() === DASH && this.blankOrEnd(this.pos + 1))) break;
    }
    this.record(arr, undefined, lines);
    return arr;
  }

  /** A scalar ending its line: quoted, or plain up to a comment (no `key: value` inside it). */
  private inlineScalar(): string {
    const c = this.code();
    if (c === QUOTE1 || c === QUOTE2) {
      const v = this.quoted();
      if (!this.restBlank()) throw new Unsupported();
      return v;
    }
    this.plainStart(false);
    const start = this.pos;
    for (;;) {
      const d = this.code();
      if (d === NL || d === -1) break;
      if (d === HASH && this.code(this.pos - 1) === SP) break;
      if (d === COLON && this.blankOrEnd(this.pos + 1)) throw new Unsupported();
      this.pos++;
    }
    const v = this.s.slice(start, this.pos).trimEnd();
    this.restBlank();
    return v;
  }

  /** Refuses a plain scalar that would start with an indicator. */
  private plainStart(flow: boolean): void {
    const c = this.code();
    if (c === -1 || c === NL || BAD_START.has(c)) throw new Unsupported();
    if (c === DASH || c === 63 || c === COLON) {
      const n = this.code(this.pos + 1);
      if (n === SP || n === NL || n === -1 || (flow && FLOW_END.has(n))) throw new Unsupported();
    }
  }

  /** A one-line single- or double-quoted scalar (double without escapes). */
  private quoted(): string {
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
  private flowSpace(indent: number): void {
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
  private numberSeq(indent: number): YValue[] | undefined {
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
  private flow(indent: number, depth: number): YValue {
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

  private flowValue(indent: number, depth: number): YValue {
    const c = this.code();
    if (c === 123 || c === 91) return this.flow(indent, depth + 1);
    if (c === QUOTE1 || c === QUOTE2) return this.quoted();
    return this.flowPlain();
  }

  /** A plain scalar in a flow: up to a flow indicator, a `: `, a comment or the end of the line. */
  private flowPlain(): string {
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

/** The document `text` read by the fast reader, or undefined when it uses anything outside the subset. */
export function readFastYaml(text: string): FastYaml | undefined {
  // tabs, carriage returns, byte-order marks and other control characters: the `yaml` package's rules
  if (/[^\n\x20-\x7e\u00a0-\ud7ff\ue000-\ufefe\uff00-\ufffd]/.test(text)) return undefined;
  const r = new Reader(text);
  let doc: { root: YValue; line: number };
  try {
    doc = r.document();
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    throw e;
  }
  const places = r.places;
  return {
    root: doc.root,
    line(path: YPath): number {
      let cur: YValue = doc.root;
      let line = doc.line;
      for (const seg of path) {
        if (cur === null || typeof cur !== "object") break;
        // not recorded: a flow collection on one line, every child on the line `line` holds
        const p = places.get(cur) ?? line;
        let i: number;
        if (Array.isArray(cur)) {
          // yaml's sequence index rule: a whole number ≥ 0, or a string of one
          const idx = typeof seg === "string" && seg !== "" ? Number(seg) : seg;
          if (typeof idx !== "number" || !Number.isInteger(idx) || idx < 0 || idx >= cur.length) break;
          i = idx;
          cur = cur[i]!;
        } else {
          if (typeof seg !== "string") break;
          i = typeof p === "number" ? (Object.hasOwn(cur, seg) ? 0 : -1) : p.keys!.indexOf(seg);
          if (i < 0) break;
          cur = cur[seg]!;
        }
        if (typeof p === "number") {
          line = p;
          continue;
        }
        if (p.lines[i] === NO_LINE) break;
        line = p.lines[i]!;
      }
      return line;
    },
  };
}
