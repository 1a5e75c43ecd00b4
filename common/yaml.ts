// YAML with positions and an alias budget, shared by every YAML reader (chip profiles, explore grids): syntax
// errors and alias bombs become problems at file line:column instead of exceptions from the parser.

import { createRequire } from "node:module";
import type * as Yaml from "yaml";
import type { Document, LineCounter, Node } from "yaml";

let yamlPackage: typeof Yaml | undefined;

/**
 * The `yaml` package, loaded on first use (its CommonJS build, the module an `import "yaml"` gets too): a reader
 * whose own fast path takes the file — a plain SANA-FE network on a direct run, whose start is timed — never
 * loads it.
 */
export function yamlLib(): typeof Yaml {
  yamlPackage ??= createRequire(import.meta.url)("yaml") as typeof Yaml;
  return yamlPackage;
}

/** Hands over the `yaml` package already imported (a bundle that holds it: hw-profiles/loader-entry.ts). */
export function provideYamlLib(lib: typeof Yaml): void {
  yamlPackage ??= lib;
}

/** Alias expansions allowed when a document is turned into values (the `yaml` package's maxAliasCount). */
export const YAML_MAX_ALIAS_COUNT = 1000;

export interface YamlProblem {
  line?: number;
  column?: number;
  message: string;
}

export interface ParsedYaml {
  doc: Document;
  lines: LineCounter;
  /** Syntax errors, each at its place; empty when the text parsed. */
  problems: YamlProblem[];
}

/** Parses one YAML (or JSON) document keeping line positions; duplicate keys are errors. */
export function parseYaml(text: string): ParsedYaml {
  const { LineCounter, parseDocument } = yamlLib();
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const problems = doc.errors.map((e) => {
    const { line, col } = lines.linePos(e.pos[0]);
    let message = e.message.split("\n")[0] ?? e.message;
    if (/call stack/i.test(message)) message = "nesting too deep to read";
    return { line, column: col, message };
  });
  return { doc, lines, problems };
}

/**
 * The document's value, with at most YAML_MAX_ALIAS_COUNT alias expansions. An alias bomb (anchors nested
 * into anchors, each used many times) is reported at the alias whose expansion is the largest.
 */
export function yamlValue(parsed: ParsedYaml): { value: unknown } | { problem: YamlProblem } {
  try {
    return { value: parsed.doc.toJS({ maxAliasCount: YAML_MAX_ALIAS_COUNT }) };
  } catch (e) {
    if (!(e instanceof Error) || !/alias/i.test(e.message)) throw e;
    const worst = largestAlias(parsed.doc);
    const at = worst?.node.range ? parsed.lines.linePos(worst.node.range[0]) : undefined;
    return {
      problem: {
        ...(at ? { line: at.line, column: at.col } : {}),
        message: `aliases expand too far${worst ? ` (*${worst.node.source} stands for ${worst.size.toPrecision(3)} nodes)` : ""}: at most ${YAML_MAX_ALIAS_COUNT} alias expansions are allowed; write the values out`,
      },
    };
  }
}

/** The alias that stands for the most nodes once every alias inside it is expanded too. */
function largestAlias(doc: Document): { node: Node & { source: string }; size: number } | undefined {
  const { isAlias, isMap, isPair, isSeq } = yamlLib();
  const memo = new Map<unknown, number>();
  const busy = new Set<unknown>();
  let worst: { node: Node & { source: string }; size: number } | undefined;
  // Iterative post-order would be longer; anchors nest only as deep as the text does, and the parser has
  // already bounded that (a too-deep document is a syntax error above).
  const size = (n: unknown): number => {
    if (n === null || n === undefined) return 1;
    const known = memo.get(n);
    if (known !== undefined) return known;
    if (busy.has(n)) return 1; // a recursive anchor: yaml resolves it to the same object
    busy.add(n);
    let s = 1;
    if (isAlias(n)) {
      s = size(n.resolve(doc));
      if (!worst || s > worst.size) worst = { node: n, size: s };
    } else if (isMap(n) || isSeq(n)) {
      for (const item of n.items as unknown[])
        s += isPair(item) ? size(item.key) + size(item.value) : size(item);
    }
    busy.delete(n);
    memo.set(n, s);
    return s;
  };
  size(doc.contents);
  return worst;
}
