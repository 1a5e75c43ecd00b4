// The fast reader's shortcut for the line a SANA-FE file repeats ~10⁴ times (`- {'5.0': {core: '0.0'}}`, `- {12:
// {bias: 6}}`): a one-line flow map of simple scalars, one level of nesting at most, scanned in one pass. Anything
// else on the line (comments, other indicators, escapes, repeated keys, …) returns undefined and the reader's
// general path reads it — with the same values and the same lines (the whole map is on its own line).

import type { YValue } from "./yaml-read.js";

const SP = 32;
const NL = 10;
const COMMA = 44;
const COLON = 58;
const OPEN = 123;
const CLOSE = 125;
const QUOTE1 = 39;
const QUOTE2 = 34;
const BACKSLASH = 92;
const MAX_KEY = 1024;

/**
 * Sets `obj[key] = value`. A key that is an array index (a neuron id: `{1023: {bias: 0}}`) is stored in the
 * object's elements, which V8 keeps as an array sized past the largest index — ~6 kB of holes for that one-key map,
 * megabytes on a 10⁴-neuron list for the collector to copy. A store far past any index first turns the elements
 * into a dictionary (deleted at once): the map holds its own keys only, with the same keys, values and order.
 */
export function setKey(obj: { [key: string]: YValue }, key: string, value: YValue): void {
  const c = key.charCodeAt(0);
  if (c >= 49 && c <= 57 && key.length >= 2 && isIndex(key)) {
    const sparse = obj as unknown as Record<number, YValue>;
    sparse[FAR_INDEX] = null;
    delete sparse[FAR_INDEX];
  }
  obj[key] = value;
}

/** The largest array index (2³² − 2): past any gap V8 keeps a fast elements array for. */
const FAR_INDEX = 4294967294;

/** Whether `key` is a canonical array index: digits without a leading zero, below 2³² − 1. */
function isIndex(key: string): boolean {
  for (let i = 0; i < key.length; i++) {
    const d = key.charCodeAt(i);
    if (d < 48 || d > 57) return false;
  }
  return key.length < 10 || (key.length === 10 && Number(key) < FAR_INDEX + 1);
}

/** Characters of a plain scalar here: letters, digits, `_`, `.`, `-`, `+` (never an indicator). */
function plainChar(c: number): boolean {
  return (
    (c >= 48 && c <= 57) ||
    (c >= 65 && c <= 90) ||
    (c >= 97 && c <= 122) ||
    c === 95 ||
    c === 46 ||
    c === 45 ||
    c === 43
  );
}

class LineScan {
  pos: number;
  constructor(
    private readonly s: string,
    at: number,
  ) {
    this.pos = at;
  }

  private code(): number {
    return this.pos < this.s.length ? this.s.charCodeAt(this.pos) : -1;
  }

  private spaces(): void {
    while (this.code() === SP) this.pos++;
  }

  /** A quoted scalar without escapes (no `''`, no backslash) or a plain one of `plainChar`s; undefined if not. */
  scalar(): string | undefined {
    const q = this.code();
    if (q === QUOTE1 || q === QUOTE2) {
      const from = this.pos + 1;
      const end = this.s.indexOf(String.fromCharCode(q), from);
      if (end < 0) return undefined;
      for (let i = from; i < end; i++) {
        const c = this.s.charCodeAt(i);
        if (c === NL || c === BACKSLASH) return undefined;
      }
      // `'it''s'`: an escaped quote, left to the general path
      if (end + 1 < this.s.length && this.s.charCodeAt(end + 1) === q) return undefined;
      this.pos = end + 1;
      return this.s.slice(from, end);
    }
    const from = this.pos;
    // a plain scalar may not start with `-` or `+` before a blank or an indicator: digits or a dot must follow
    if (q === 45 || q === 43) {
      const n = this.s.charCodeAt(this.pos + 1);
      if (!((n >= 48 && n <= 57) || n === 46)) return undefined;
    }
    while (plainChar(this.code())) this.pos++;
    return this.pos > from ? this.s.slice(from, this.pos) : undefined;
  }

  /** `{key: value, …}` from `{` to `}`; values scalars, or (when `nested`) flow maps of scalars. */
  map(nested: boolean): { [key: string]: YValue } | undefined {
    if (this.code() !== OPEN) return undefined;
    this.pos++;
    this.spaces();
    const obj: { [key: string]: YValue } = {};
    if (this.code() === CLOSE) {
      this.pos++;
      return obj;
    }
    for (;;) {
      const key = this.scalar();
      if (key === undefined || key.length > MAX_KEY || key === "__proto__" || Object.hasOwn(obj, key))
        return undefined;
      if (this.code() !== COLON || this.s.charCodeAt(this.pos + 1) !== SP) return undefined;
      this.pos += 2;
      this.spaces();
      const value = this.code() === OPEN ? (nested ? this.map(false) : undefined) : this.scalar();
      if (value === undefined) return undefined;
      setKey(obj, key, value);
      this.spaces();
      const c = this.code();
      this.pos++;
      if (c === CLOSE) return obj;
      if (c !== COMMA) return undefined;
      this.spaces();
    }
  }

  /**
   * `{key: {k: v, …}}` — one key, its value a flow map of one or more scalars — as [key, k, v, …] without making
   * either map; undefined where `map(true)` would give anything else (or nothing), by the same rules.
   */
  entry(): string[] | undefined {
    if (this.code() !== OPEN) return undefined;
    this.pos++;
    this.spaces();
    const key = this.scalar();
    if (key === undefined || key.length > MAX_KEY || key === "__proto__") return undefined;
    if (this.code() !== COLON || this.s.charCodeAt(this.pos + 1) !== SP) return undefined;
    this.pos += 2;
    this.spaces();
    if (this.code() !== OPEN) return undefined;
    this.pos++;
    this.spaces();
    const out = [key];
    for (;;) {
      const k = this.scalar();
      if (k === undefined || k.length > MAX_KEY || k === "__proto__") return undefined;
      for (let i = 1; i < out.length; i += 2) if (out[i] === k) return undefined;
      if (this.code() !== COLON || this.s.charCodeAt(this.pos + 1) !== SP) return undefined;
      this.pos += 2;
      this.spaces();
      const value = this.code() === OPEN ? undefined : this.scalar();
      if (value === undefined) return undefined;
      out.push(k, value);
      this.spaces();
      const c = this.code();
      this.pos++;
      if (c === CLOSE) break;
      if (c !== COMMA) return undefined;
      this.spaces();
    }
    this.spaces();
    // the outer map ends after its one key
    if (this.code() !== CLOSE) return undefined;
    this.pos++;
    return out;
  }

  /** Only spaces to the end of the line (or of the text). */
  lineEnds(): boolean {
    this.spaces();
    const c = this.code();
    return c === NL || c === -1;
  }
}

/**
 * The one-line flow map at `at` in `s` (a `{`) and where its line ends (at its newline or the end of the text), or
 * undefined when the line is anything more than such a map.
 */
export function lineFlowMap(s: string, at: number): { value: YValue; end: number } | undefined {
  const scan = new LineScan(s, at);
  const value = scan.map(true);
  if (value === undefined || !scan.lineEnds()) return undefined;
  return { value, end: scan.pos };
}

/**
 * The one-line entry `{key: {k: v, …}}` at `at` in `s` (a `{`) as [key, k, v, …] — the values `lineFlowMap` reads
 * there, without its two maps — and where its line ends; undefined when the line is anything else.
 */
export function lineFlowEntry(s: string, at: number): { pairs: string[]; end: number } | undefined {
  const scan = new LineScan(s, at);
  const pairs = scan.entry();
  if (pairs === undefined || !scan.lineEnds()) return undefined;
  return { pairs, end: scan.pos };
}
