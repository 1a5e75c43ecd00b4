// A fast reader for the plain YAML SANA-FE files are written in (block maps and sequences, one-line flow
// collections, plain and simply quoted scalars, comments): the same values as the `yaml` package's failsafe
// schema, and each node's line, in a small fraction of its time and memory. Anything else returns undefined and
// the caller reads the file with the `yaml` package, so every other document keeps that package's semantics.

import {
  COLON,
  DASH,
  FlowReader,
  HASH,
  MAX_DEPTH,
  MAX_KEY,
  NL,
  NO_LINE,
  QUOTE1,
  QUOTE2,
  SP,
  Unsupported,
} from "./yaml-fast-flow.js";
import { lineFlowMap, setKey } from "./yaml-fast-line.js";
import type { YPath, YValue } from "./yaml-read.js";

/** A document read by the fast reader: its values and the line of the node at a key path. */
export interface FastYaml {
  root: YValue;
  /** The 1-based line of the node at `path`, or of its nearest existing ancestor (as `yaml`'s getIn finds it). */
  line(path: YPath): number;
}

/** The reader: the flow part's state and scalars (yaml-fast-flow.ts), and the block structure around them. */
class Reader extends FlowReader {
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
