// Maps a key path of a parsed profile (e.g. costs.synopAC.energy.status) back to line:column in its
// YAML/JSON text, so every validation problem can point at the place to fix. Also "did you mean".

import { type Document, isMap, isScalar, isSeq, type LineCounter, type Node } from "yaml";

export type KeyPath = readonly (string | number)[];

export interface Position {
  line: number;
  column: number;
}

/** Dotted form of a key path: `costs.synopAC.energy`, list items as numbers (`barrier.points.0`). */
export function dotted(path: KeyPath): string {
  return path.map(String).join(".");
}

export class PositionFinder {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /**
   * The position of `path`: of the key itself when `at` is "key" (unknown keys), otherwise of the value.
   * A path that does not exist (a missing key) resolves to its deepest existing parent.
   */
  find(path: KeyPath, at: "key" | "value" = "value"): Position | undefined {
    let node: unknown = this.doc.contents;
    let keyNode: Node | undefined;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) break;
        keyNode = isScalar(pair.key) ? pair.key : undefined;
        // `key:` with nothing after it has a null value node; point at the key then.
        node = pair.value ?? pair.key;
      } else if (isSeq(node) && typeof seg === "number" && seg < node.items.length) {
        keyNode = undefined;
        node = node.items[seg];
      } else {
        break;
      }
    }
    const target = at === "key" && keyNode ? keyNode : (node as Node | null);
    const offset = target?.range?.[0];
    if (offset === undefined) return undefined;
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }
}

/** Edit distance, for suggestions only (short strings). */
function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const sub = prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      cur.push(Math.min(prev[j]! + 1, cur[j - 1]! + 1, sub));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** The closest candidate when it is plausibly a typo of `word` (case differences count as very close). */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  const sameCase = candidates.find((c) => c.toLowerCase() === lower);
  if (sameCase) return sameCase;
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const d = levenshtein(lower, c.toLowerCase());
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  // Up to a third of the word may differ (at least one edit), so "synopAc" → "synopAC" but "foo" ↛ "hop".
  return best !== undefined && bestD <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}
