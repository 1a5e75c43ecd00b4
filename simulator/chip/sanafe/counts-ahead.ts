// The direct run's message counts made ahead (messages.ts `messageCounts`: each message's core and synapses, no
// chip needed) while its profile loads — on this thread, or on the scheduling thread when the caller hands them
// there — and taken by conventionNetOf where they were made from its connections and core slots.

import { mappingsOf, type ParsedSanafe } from "../../../compiler/importers/sanafe/parsed.js";
import { connectionsAhead } from "./connections.js";
import { type MessageCounts, messageCounts } from "./messages.js";

/** Message counts made ahead for a parse (on this thread or another: taken when needed), with the connections
 * and core slots they were made from. */
const countsAhead = new WeakMap<
  ParsedSanafe,
  { postStart: Int32Array; coreOf: Int32Array; counts: () => MessageCounts | undefined }
>();

/**
 * Counts messages (messages.ts `messageCounts`) on another thread: returns how to take the counts (undefined when
 * that thread could not make them), or undefined where it cannot take the work.
 */
export type CountElsewhere = (
  postStart: Int32Array,
  post: Int32Array,
  coreOf: Int32Array,
  cores: number,
) => (() => MessageCounts | undefined) | undefined;

/**
 * Counts the messages of `parsed` ahead (a direct run, while its profile loads elsewhere: they need no chip) from
 * its connections prepared ahead, its cores numbered in (tile, core) order — as `conventionNetOf` numbers them on
 * any chip that has them, which checks that before it takes them. With `elsewhere`, on another thread (this one
 * goes on; conventionNetOf takes them), else now. Never throws: a problem is met later, in order.
 */
export function prepareMessageCounts(parsed: ParsedSanafe, file: string, elsewhere?: CountElsewhere): void {
  try {
    const placement = mappingsOf(parsed);
    const conns = connectionsAhead(parsed, file);
    if (!placement || !conns) return;
    const n = conns.postStart.length - 1;
    const keyOf = new Float64Array(n);
    let k = 0;
    // indexed loops, and a map touched only where the core changes: this runs once, cold, per neuron
    for (const g of parsed.net.groups.values()) {
      const places = placement.get(g.name) ?? [];
      for (let i = 0; i < places.length; i++) {
        const p = places[i]!;
        if (p.tile >= 2 ** 26 || p.core >= 2 ** 26) return;
        keyOf[k++] = p.tile * 2 ** 26 + p.core;
      }
    }
    if (k !== n) return;
    const slotOf = new Map<number, number>();
    for (let j = 0; j < n; j++) if (j === 0 || keyOf[j] !== keyOf[j - 1]) slotOf.set(keyOf[j]!, 0);
    const keys = [...slotOf.keys()].sort((a, b) => a - b);
    for (let s = 0; s < keys.length; s++) slotOf.set(keys[s]!, s);
    const coreOf = new Int32Array(n);
    for (let j = 0; j < n; j++)
      coreOf[j] = j > 0 && keyOf[j] === keyOf[j - 1] ? coreOf[j - 1]! : slotOf.get(keyOf[j]!)!;
    const later = elsewhere?.(conns.postStart, conns.post, coreOf, keys.length);
    const now = later ? undefined : messageCounts(conns.postStart, conns.post, coreOf, keys.length);
    countsAhead.set(parsed, { postStart: conns.postStart, coreOf, counts: later ?? (() => now) });
  } catch {
    // met again, in order, where conventionNetOf reads the file
  }
}

/**
 * The counts made ahead for `parsed` (taken once; waiting for another thread's), where they were made from these
 * connections and core slots; else undefined (conventionNetOf counts them itself).
 */
export function countsMadeAhead(
  parsed: ParsedSanafe,
  postStart: Int32Array,
  coreOf: Int32Array,
): MessageCounts | undefined {
  const ahead = countsAhead.get(parsed);
  countsAhead.delete(parsed);
  const counted = ahead?.postStart === postStart ? ahead.counts() : undefined;
  for (let k = 0; counted && k < coreOf.length; k++) if (ahead!.coreOf[k] !== coreOf[k]) return undefined;
  return counted;
}
