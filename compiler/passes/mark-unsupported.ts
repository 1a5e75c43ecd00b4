// Pass markUnsupported: with `options.profile`, lists what that chip cannot run — dynamic matmuls, product
// neurons, graded events, weights or state wider than its cores hold, delays beyond its maximum — naming the
// element, the limit and the ways out. Warnings by default; `options.strict` turns them into one error.

import { SpikegridError } from "../../common/errors.js";
import { type ChipProfile, listProfiles } from "../../hw-profiles/index.js";
import { MAX_BITPLANES } from "../mapping/encoding.js";
import { type NmirModule, projectionLabel, sourceTable, stateVars } from "../nmir/index.js";
import { diagnose, type PassContext } from "./pass.js";
import { profileOf, quantContext, quantOptions } from "./quant-plan.js";

export interface Unsupported {
  /** The element: `dynamic matmul "qk"`, `projection "fc1" (a → b.in)`, `population "l1" (lif)`. */
  where: string;
  /** What the element needs and what the profile offers. */
  message: string;
  /** The profile field that sets the limit, e.g. `core.weightBits`. */
  limit: string;
  /** Ways out: another profile, fewer bits, a flag. */
  options: string[];
}

/** Built-in profiles (other than `self`) for which `ok` holds, as "profile x or y". */
function otherProfiles(self: ChipProfile, ok: (p: ChipProfile) => boolean): string[] {
  const names = listProfiles()
    .filter((p) => p.name !== self.name && ok(p))
    .map((p) => p.name);
  return names.length ? [`a profile that supports it (${names.join(", ")})`] : [];
}

/** Everything in `ir` that `profile` cannot run, in element order. */
export function unsupportedBy(ir: NmirModule, profile: ChipProfile): Unsupported[] {
  const out: Unsupported[] = [];
  const cap = profile.core.capabilities;
  const chip = `profile "${profile.name}"`;
  if (!cap.dynamicMatmul) {
    const events = sourceTable(ir);
    for (const d of ir.dynamicMatmuls) {
      const binary = events.get(d.a)?.event.kind === "spike" && events.get(d.b)?.event.kind === "spike";
      const lowers = (p: ChipProfile) =>
        p.core.capabilities.productNeurons || (binary && p.core.capabilities.compartmentJoins === true);
      const native = listProfiles().filter(
        (p) => p.name !== profile.name && p.core.capabilities.dynamicMatmul,
      );
      // realised by counted term neurons on a profile with the neurons its form needs: the chip runs it
      if (d.realisation && lowers(profile)) continue;
      const lowered = listProfiles().filter(
        (p) => p.name !== profile.name && !p.core.capabilities.dynamicMatmul && lowers(p),
      );
      // a profile that could lower it but did not: the lowering's own warning says why (not the capability)
      const couldLower = lowers(profile);
      const why = couldLower
        ? `${chip} has no dynamic matmul and could lower it to ${binary ? "coincidence" : "product"} neurons, but lowerAttention left it (its warning says why, e.g. the terms' sum can exceed the int32 accumulator input)`
        : `${chip} has no dynamic matmul and no ${binary ? "compartment joins (core.capabilities.compartmentJoins) or product neurons" : "product neurons (core.capabilities.productNeurons)"} to lower it to`;
      out.push({
        where: `dynamic matmul "${d.id}"`,
        message: `multiplies two event streams each step (${d.m}×${d.k} · ${d.k}×${d.n}, ${binary ? "spike × spike" : "a graded operand"}); ${why}`,
        limit: "core.capabilities.dynamicMatmul",
        options: [
          ...(native.length
            ? [`a profile that runs it natively (${native.map((p) => p.name).join(", ")})`]
            : []),
          ...(lowered.length && !couldLower
            ? [
                `a profile that lowers it to ${binary ? "coincidence" : "product"} neurons (${lowered.map((p) => p.name).join(", ")})`,
              ]
            : []),
          "replace the attention by a fixed token mixer (e.g. a DFT or wavelet transform)",
        ],
      });
    }
  }
  for (const p of ir.populations) {
    if (p.model.kind === "product" && !cap.productNeurons) {
      out.push({
        where: `population "${p.id}" (product)`,
        message: `multiplies two inputs (a gate); ${chip} has no product neurons`,
        limit: "core.capabilities.productNeurons",
        options: [...otherProfiles(profile, (x) => x.core.capabilities.productNeurons), "remove the gate"],
      });
    }
    if (p.model.kind === "function" && !cap.functionNeurons) {
      out.push({
        where: `population "${p.id}" (function)`,
        message: `evaluates ${p.model.fn} as a ${p.model.xs.length}-point table function each step; ${chip} has no function (programmable graded) neurons`,
        limit: "core.capabilities.functionNeurons",
        options: [...otherProfiles(profile, (x) => x.core.capabilities.functionNeurons === true)],
      });
    }
    const state = profile.core.stateBits;
    const wide = stateVars(p.model).filter((s) => s.signed && state !== undefined && s.bits > state);
    if (state !== undefined && wide.length) {
      out.push({
        where: `population "${p.id}" (${p.model.kind})`,
        message: `${wide.map((s) => `${s.name} is ${s.bits}-bit`).join(", ")}; ${chip} holds ${state}-bit state`,
        limit: "core.stateBits",
        options: [
          `compile with --state-bits ${state}`,
          ...otherProfiles(profile, (x) => (x.core.stateBits ?? 32) >= Math.max(...wide.map((s) => s.bits))),
        ],
      });
    }
  }
  // Graded events matter where they travel between cores: into projections and dynamic matmuls.
  const kinds = new Map<string, { what: string; bits: number }>();
  for (const i of ir.inputs)
    if (i.event.kind === "graded") kinds.set(i.id, { what: "input", bits: i.event.bits });
  for (const p of ir.populations)
    if (p.output.kind === "graded")
      kinds.set(p.id, { what: `population (${p.model.kind})`, bits: p.output.bits });
  for (const d of ir.dynamicMatmuls) kinds.set(d.id, { what: "dynamic matmul", bits: d.outBits });
  const readers = new Set([
    ...ir.projections.map((p) => p.src),
    ...ir.dynamicMatmuls.flatMap((d) => [d.a, d.b]),
  ]);
  for (const [id, g] of kinds) {
    if (!readers.has(id)) continue;
    const where = `${g.what.split(" ")[0]} "${id}"${g.what.includes("(") ? ` ${g.what.slice(g.what.indexOf("("))}` : ""}`;
    if (!cap.gradedSpikes) {
      // The mapper sends graded events of populations over binary-spike chips as bit planes
      // (compiler/mapping/encoding.ts), up to what one weight exponent range carries; the host's graded
      // inputs are not encoded (the chip model injects them at the cores), so they stay out of reach.
      const input = g.what === "input";
      if (input || g.bits > MAX_BITPLANES)
        out.push({
          where,
          message: input
            ? `sends graded ${g.bits}-bit events; ${chip} sends only binary spikes`
            : `sends graded ${g.bits}-bit events; ${chip} sends only binary spikes, carried as at most ${MAX_BITPLANES} bit planes`,
          limit: "core.capabilities.gradedSpikes",
          options: [
            ...(input ? [] : [`compile with --payload-bits ${MAX_BITPLANES}`]),
            ...otherProfiles(profile, (x) => x.core.capabilities.gradedSpikes),
            ...(input
              ? [
                  "compile with --input-event spike for binary inputs",
                  "rate- or delta-encode the values into spikes",
                ]
              : []),
          ],
        });
    } else if (cap.payloadBits !== undefined && g.bits > cap.payloadBits) {
      out.push({
        where,
        message: `sends ${g.bits}-bit payloads; ${chip} carries ${cap.payloadBits}-bit payloads`,
        limit: "core.capabilities.payloadBits",
        options: [`compile with --payload-bits ${cap.payloadBits}`],
      });
    }
  }
  for (const p of ir.projections) {
    if (p.weightBits > profile.core.weightBits) {
      out.push({
        where: projectionLabel(p),
        message: `stores ${p.weightBits}-bit weights; ${chip} stores ${profile.core.weightBits}-bit weights`,
        limit: "core.weightBits",
        options: [
          `compile with --weight-bits ${profile.core.weightBits}`,
          ...otherProfiles(profile, (x) => x.core.weightBits >= p.weightBits),
        ],
      });
    }
    if (cap.maxDelay !== undefined && p.delay > cap.maxDelay) {
      out.push({
        where: projectionLabel(p),
        message: `has a delay of ${p.delay} steps; ${chip} delays at most ${cap.maxDelay}`,
        limit: "core.capabilities.maxDelay",
        options: [
          "relay the events through a chain of one-to-one populations",
          ...otherProfiles(
            profile,
            (x) => (x.core.capabilities.maxDelay ?? Number.POSITIVE_INFINITY) >= p.delay,
          ),
        ],
      });
    }
  }
  return out;
}

/**
 * Reads `options.profile` (a name, a path or a loaded ChipProfile) and `options.strict`. Without a profile
 * the module passes unchanged and nothing is said. The module is never modified.
 */
export function markUnsupported(ir: NmirModule, ctx: PassContext = quantContext()): NmirModule {
  const o = quantOptions(ctx);
  const profile = profileOf(o.profile);
  if (!profile) return ir;
  const found = unsupportedBy(ir, profile);
  if (found.length === 0) return ir;
  const line = (u: Unsupported) => `${u.message} [${u.limit}]; options: ${u.options.join("; ")}`;
  if (o.strict) {
    throw new SpikegridError(
      "UNSUPPORTED",
      `module "${ir.name}" has ${found.length} element(s) that profile "${profile.name}" cannot run`,
      {
        details: found.map((u) => ({ where: u.where, message: line(u) })),
        hint: "drop --strict to compile anyway (the elements are then reported as warnings)",
      },
    );
  }
  for (const u of found) diagnose(ctx, "markUnsupported", "warning", line(u), u.where);
  return ir;
}
