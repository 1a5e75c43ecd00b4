// The direct run's per-connection tables made ahead while its profile loads — they need no chip: the message
// counts (messages.ts `messageCounts`: each message's core and synapses), taken by conventionNetOf where they were
// made from its connections and core slots, and the nonzero-weight targets per group (nonzero-ops.ts), taken by
// the run for its per-group ops. Each on this thread, or on the scheduling thread when the caller hands it there.

import { mappingsOf, type ParsedSanafe } from "../../../compiler/importers/sanafe/parsed.js";
import { connectionsAhead } from "./connections.js";
import { type MessageCounts, messageCounts } from "./messages.js";
import type { nonzeroTargetsByGroup } from "./nonzero-ops.js";

/** Message counts made ahead for a parse (on this thread or another: taken when needed), with the connections
 * and core slots they were made from. */
const countsAhead = new WeakMap<
  ParsedSanafe,
  { postStart: Int32Array; coreOf: Int32Array; counts: () => MessageCounts | undefined }
>();

/** The nonzero-weight targets per group made ahead for a parse, with the connections they were made from. */
const nonzeroAhead = new WeakMap<
  ParsedSanafe,
  { postStart: Int32Array; weight64: Int32Array; table: () => Int32Array | undefined }
>();

/** A table made ahead: a function of messages.ts or nonzero-ops.ts and its arguments. */
export type AheadCall =
  | { name: "messageCounts"; args: Parameters<typeof messageCounts> }
  | { name: "nonzeroTargetsByGroup"; args: Parameters<typeof nonzeroTargetsByGroup> };

/**
 * Makes a table on another thread: returns how to take it (undefined when that thread could not make it), or
 * undefined where it cannot take the work (then it is made here).
 */
export type CountElsewhere = (call: AheadCall) => (() => unknown) | undefined;

/**
 * Counts the messages of `parsed` ahead (a direct run, while its profile loads elsewhere: they need no chip) from
 * its connections prepared ahead, its cores numbered in (tile, core) order — as `conventionNetOf` numbers them on
 * any chip that has them, which checks that before it takes them — and, where the connections have weights, its
 * nonzero-weight targets per group. With `elsewhere`, on another thread (this one goes on; the run takes them),
 * else now. Never throws: a problem is met later, in order.
 */
export function prepareMessageCounts(parsed: ParsedSanafe, file: string, elsewhere?: CountElsewhere): void {
  try {
    const placement = mappingsOf(parsed);
    const conns = connectionsAhead(parsed, file);
    if (!placement || !conns) return;
    const n = conns.postStart.length - 1;
    const keyOf = new Float64Array(n);
    // each group's first neuron (in file order, as conventionNetOf numbers them), then the neuron count
    const groupStart = new Int32Array(parsed.net.groups.size + 1);
    let k = 0;
    let g = 0;
    // indexed loops, and a map touched only where the core changes: this runs once, cold, per neuron
    for (const group of parsed.net.groups.values()) {
      groupStart[g + 1] = groupStart[g]! + group.size;
      g++;
      const places = placement.get(group.name) ?? [];
      for (let i = 0; i < places.length; i++) {
        const p = places[i]!;
        if (p.tile >= 2 ** 26 || p.core >= 2 ** 26) return;
        keyOf[k++] = p.tile * 2 ** 26 + p.core;
      }
    }
    if (k !== n || groupStart[g] !== n) return;
    const slotOf = new Map<number, number>();
    for (let j = 0; j < n; j++) if (j === 0 || keyOf[j] !== keyOf[j - 1]) slotOf.set(keyOf[j]!, 0);
    const keys = [...slotOf.keys()].sort((a, b) => a - b);
    for (let s = 0; s < keys.length; s++) slotOf.set(keys[s]!, s);
    const coreOf = new Int32Array(n);
    for (let j = 0; j < n; j++)
      coreOf[j] = j > 0 && keyOf[j] === keyOf[j - 1] ? coreOf[j - 1]! : slotOf.get(keyOf[j]!)!;
    const { postStart, post, weight64 } = conns;
    const args: Parameters<typeof messageCounts> = [postStart, post, coreOf, keys.length];
    const later = elsewhere?.({ name: "messageCounts", args });
    const now = later ? undefined : messageCounts(...args);
    countsAhead.set(parsed, {
      postStart,
      coreOf,
      counts: later ? () => later() as MessageCounts | undefined : () => now,
    });
    // the nonzero targets only on another thread: here they would cost what the run's own walk costs
    const table = weight64
      ? elsewhere?.({ name: "nonzeroTargetsByGroup", args: [postStart, post, weight64, groupStart] })
      : undefined;
    if (table && weight64)
      nonzeroAhead.set(parsed, { postStart, weight64, table: () => table() as Int32Array | undefined });
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

/**
 * The nonzero-weight targets per group made ahead for `parsed` (taken once; waiting for another thread's), where
 * they were made from these connections; else undefined (the run walks its connections instead).
 */
export function nonzeroMadeAhead(
  parsed: ParsedSanafe,
  postStart: Int32Array,
  weight64: Int32Array,
): Int32Array | undefined {
  const ahead = nonzeroAhead.get(parsed);
  nonzeroAhead.delete(parsed);
  return ahead?.postStart === postStart && ahead.weight64 === weight64 ? ahead.table() : undefined;
}
