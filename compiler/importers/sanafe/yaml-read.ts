// Reading SANA-FE YAML (network and arch files): every scalar as its source text, as SANA-FE's parser
// (rapidyaml) sees it — `core: 1.10` is tile 1 core 10, not the float 1.1 — with file:line for every problem.

import type { Document, LineCounter } from "yaml";
import { SpikegridError } from "../../../common/errors.js";
import { yamlLib, yamlValue } from "../../../common/yaml.js";
import { readFastYaml } from "./yaml-fast.js";

/** A JS value read from the document: strings at the leaves (YAML's failsafe schema), plus null. */
export type YValue = string | null | YValue[] | { [key: string]: YValue };
export type YPath = (string | number)[];

/** A parsed file: its values and a way to turn a key path into `file:line`. */
export class YamlFile {
  private constructor(
    readonly file: string,
    readonly root: YValue,
    private readonly lineAt: (path: YPath) => number | undefined,
  ) {}

  /**
   * Parses text: plain files by the fast reader (yaml-fast.ts), any other by the `yaml` package; syntax errors
   * and alias bombs become IMPORT_FAILED at file:line.
   */
  static parse(text: string, file: string, code: "IMPORT_FAILED" | "PROFILE_INVALID"): YamlFile {
    const fast = readFastYaml(text);
    if (fast) return new YamlFile(file, fast.root, (path) => fast.line(path));
    const { LineCounter, parseDocument } = yamlLib();
    const lines = new LineCounter();
    const doc = parseDocument(text, {
      schema: "failsafe",
      uniqueKeys: true,
      lineCounter: lines,
      prettyErrors: false,
    });
    const first = doc.errors[0];
    if (first) {
      const msg = first.message.split("\n")[0] ?? first.message;
      throw new SpikegridError(
        code,
        `${file}:${lines.linePos(first.pos[0]).line}: YAML syntax error: ${msg}`,
      );
    }
    // the shared reader's alias budget: an alias bomb is refused at the alias, not expanded
    const read = yamlValue({ doc, lines, problems: [] });
    if ("problem" in read)
      throw new SpikegridError(code, `${file}:${read.problem.line ?? "?"}: ${read.problem.message}`);
    return new YamlFile(file, read.value as YValue, (path) => lineInDoc(doc, lines, path));
  }

  /** `text` read by the fast reader alone (yaml-fast.ts); undefined when it is outside the fast reader's subset. */
  static parseFast(text: string, file: string): YamlFile | undefined {
    const fast = readFastYaml(text);
    return fast ? new YamlFile(file, fast.root, (path) => fast.line(path)) : undefined;
  }

  /** This file with the lines of top-level section `key` (read elsewhere, not in `root`) given by `lineOf`. */
  withSection(key: string, lineOf: (path: YPath) => number): YamlFile {
    return new YamlFile(this.file, this.root, (path) => (path[0] === key ? lineOf(path) : this.lineAt(path)));
  }

  /** The 1-based line of the node at `path` (the nearest existing ancestor when it is absent). */
  line(path: YPath): number | undefined {
    return this.lineAt(path);
  }

  /** `file:line` of a path, for messages. */
  at(path: YPath): string {
    const l = this.line(path);
    return l === undefined ? this.file : `${this.file}:${l}`;
  }

  /** A user error at `path`: "file:line: what (at key.path)" and what to do. */
  fail(
    path: YPath,
    what: string,
    hint?: string,
    code: "IMPORT_FAILED" | "PROFILE_INVALID" | "UNSUPPORTED" = "IMPORT_FAILED",
  ): never {
    const key = path.length ? ` (at ${path.join(".")})` : "";
    throw new SpikegridError(code, `${this.at(path)}: ${what}${key}`, hint ? { hint } : {});
  }
}

/** The line of the node at `path` in a `yaml` document (the nearest existing ancestor when it is absent). */
function lineInDoc(doc: Document, lines: LineCounter, path: YPath): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === "object" && node.range) return lines.linePos(node.range[0]).line;
  }
  return undefined;
}

export function isMap(v: YValue | undefined): v is { [key: string]: YValue } {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A number written in decimal or exponent form (what SANA-FE's attribute parser accepts), else undefined. */
export function numberOf(v: YValue | undefined): number | undefined {
  if (typeof v !== "string") return undefined;
  const s = v.trim();
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) return undefined;
  const x = Number(s);
  return Number.isFinite(x) ? x : undefined;
}

export function boolOf(v: YValue | undefined): boolean | undefined {
  if (typeof v !== "string") return undefined;
  const s = v.trim().toLowerCase();
  if (s === "true" || s === "1") return true;
  if (s === "false" || s === "0") return false;
  return undefined;
}

/** `a..b` (inclusive) or a single index `a`; undefined when the text is neither. */
export function rangeOf(text: string): [number, number] | undefined {
  const m = /^\s*(\d+)\s*(?:\.\.\s*(\d+)\s*)?$/.exec(text);
  if (!m) return undefined;
  const a = Number(m[1]);
  const b = m[2] === undefined ? a : Number(m[2]);
  return b >= a ? [a, b] : undefined;
}

/**
 * SANA-FE attribute lists: a map, or a list of maps (`[soma: {threshold: 2}, log_u: true]`), merged in order,
 * later keys winning. Each entry keeps the path of the map it came from, for messages.
 */
export function attributeEntries(v: YValue | undefined, path: YPath): [string, YValue, YPath][] {
  if (v === null || v === undefined) return [];
  if (Array.isArray(v)) return v.flatMap((item, i) => attributeEntries(item, [...path, i]));
  if (isMap(v)) return Object.entries(v).map(([k, x]) => [k, x, [...path, k]]);
  return [];
}
