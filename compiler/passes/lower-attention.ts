// Pass lowerAttention: for a profile without dynamic matmuls, each NMIR dynamic matmul (spiking self-attention
// Q·Kᵀ, attn·V) becomes neurons and static synapses the chip has — coincidence (AND) or product neurons, one per
// term A[i,l]·B[l,j], and an accumulator per output that sums, shifts and saturates them exactly as the matmul.

import { SpikegridError } from "../../common/errors.js";
import type { ChipProfile } from "../../hw-profiles/index.js";
import { NMIR_LIMITS } from "../nmir/budgets.js";
import {
  createLinear,
  createPopulation,
  createProduct,
  createProjection,
  createThreshold,
  type DynamicMatmul,
  type EventKind,
  type NmirModule,
  type Population,
  type Projection,
  sourceTable,
} from "../nmir/index.js";
import { alignHops } from "./lower/align-hops.js";
import { attentionWiring } from "./lower/attention-wiring.js";
import { payloadBounds, payloadGrains } from "./lower/payload-bounds.js";
import { diagnose, type PassContext } from "./pass.js";
import { profileOf, quantContext, quantOptions } from "./quant-plan.js";
import { withAddedStats } from "./quant-stats.js";

/** How one matmul is lowered: spike × spike by AND neurons, anything graded by product neurons. */
export type AttentionForm = "coincidence" | "product";

/** What lowering one matmul added (compile diagnostics and `metadata["attention.lowering"]`). */
export interface LoweredMatmul {
  id: string;
  form: AttentionForm;
  /** Coincidence or product neurons, m·k·n (the m·n accumulators take the matmul's place). */
  termNeurons: number;
  accumulators: number;
  /** Operand synapses (2 per term) plus accumulation synapses (1 per term). */
  synapses: number;
}

const INT32_MAX = 2 ** 31 - 1;

/**
 * Term neurons above which `attentionTerms: "auto"` keeps the matmuls whole, realised by counted term neurons
 * (2^24 ≈ 16.8 M: the explicit neurons take ~1 KB each to build and step, and the spikformer-4-384 / DVS
 * configurations at their default sizes, 12.6 M and fewer, stay explicit).
 */
export const TERM_NEURON_BUDGET = 2 ** 24;

/** Bits of a signed payload holding every product a·b of operands bounded by `maxA`, `maxB`. */
function productBits(maxA: number, maxB: number): number {
  return Math.max(2, Math.ceil(Math.log2(maxA * maxB + 1)) + 1);
}

/** The form `profile` allows for a matmul of `a` × `b`, or why none fits. */
export function attentionForm(
  profile: ChipProfile,
  a: EventKind,
  b: EventKind,
): { form: AttentionForm } | { reason: string } {
  const cap = profile.core.capabilities;
  const binary = a.kind === "spike" && b.kind === "spike";
  if (binary && (cap.compartmentJoins || cap.productNeurons)) return { form: "coincidence" };
  if (cap.productNeurons) return { form: "product" };
  return {
    reason: binary
      ? `profile "${profile.name}" has neither compartment joins (core.capabilities.compartmentJoins) nor product neurons (core.capabilities.productNeurons) for coincidence neurons`
      : `an operand is graded, so each term needs a product neuron; profile "${profile.name}" has no product neurons (core.capabilities.productNeurons)`,
  };
}

/**
 * The term population `<id>.terms` (one neuron per A[i,l]·B[l,j], laid out by `attentionWiring`), its
 * operand projections, and the accumulator population `<id>` (the matmul's own id, so every reader stays)
 * with its projection from the terms. All edges have delay 0: in layer-sync mode the accumulator holds this
 * step's A·B as the matmul did; in pipelined mode it is one step later (the term hop).
 */
function lowerOne(dm: DynamicMatmul, form: AttentionForm, maxA: number, maxB: number, preShift: number) {
  const { m, k, n, id } = dm;
  const terms = `${id}.terms`;
  const size = m * k * n;
  const wiring = attentionWiring(dm);
  const termModel =
    form === "coincidence"
      ? createThreshold({ vth: 2, fire: "ge" })
      : createProduct({ shift: preShift, outBits: productBits(maxA, maxB / 2 ** preShift) });
  const populations: Population[] = [
    createPopulation({ id: terms, shape: wiring.shape, model: termModel }),
    createPopulation({
      id,
      shape: [m, n],
      model: createLinear({ outShift: dm.shift - preShift, outBits: dm.outBits }),
    }),
  ];
  const portA = form === "coincidence" ? "in" : "a";
  const portB = form === "coincidence" ? "in" : "b";
  const { fromA, fromB, sum } = wiring;
  const projections: Projection[] = [
    createProjection({
      id: `${terms}.a`,
      src: dm.a,
      dst: terms,
      port: portA,
      connectivity: fromA,
      weightBits: 2,
    }),
    createProjection({
      id: `${terms}.b`,
      src: dm.b,
      dst: terms,
      port: portB,
      connectivity: fromB,
      weightBits: 2,
    }),
    createProjection({ id: `${id}.sum`, src: terms, dst: id, connectivity: sum, weightBits: 2 }),
  ];
  return { populations, projections, termNeurons: size, synapses: 3 * size };
}

/** Why a matmul cannot be lowered bit-exactly at its widths, or undefined when it can. */
function widthProblem(dm: DynamicMatmul, maxA: number, maxB: number, preShift: number): string | undefined {
  const term = (maxA * maxB) / 2 ** preShift;
  const bits = productBits(term, 1);
  if (bits > 32) return `a term a·b needs ${bits}-bit payloads, more than NMIR's 32`;
  if (dm.k * term > INT32_MAX)
    return `the sum of ${dm.k} terms can exceed the accumulator's int32 input, where the matmul sums exactly`;
  return undefined;
}

interface Plan {
  dm: DynamicMatmul;
  preShift: number;
  form?: AttentionForm;
}

/**
 * Keeps every lowerable matmul whole with `realisation` set: the term neurons are counted, not instantiated
 * (metadata["attention.terms"] lists them as `attention.lowering` would). `why`: "asked", or whether the
 * explicit form would pass the NMIR neuron limit (else it passed TERM_NEURON_BUDGET).
 */
function countTerms(
  ir: NmirModule,
  plans: Plan[],
  ctx: PassContext,
  profile: string,
  why: "asked" | boolean,
) {
  const byId = new Map(plans.map((p) => [p.dm.id, p]));
  const report: LoweredMatmul[] = plans.map(({ dm, form }) => ({
    id: dm.id,
    form: form!,
    termNeurons: dm.m * dm.k * dm.n,
    accumulators: dm.m * dm.n,
    synapses: 3 * dm.m * dm.k * dm.n,
  }));
  const dynamicMatmuls = ir.dynamicMatmuls.map((dm) => {
    const p = byId.get(dm.id);
    if (!p) return dm;
    return { ...dm, realisation: { kind: "termNeurons" as const, form: p.form!, preShift: p.preShift } };
  });
  const neurons = report.reduce((s, r) => s + r.termNeurons, 0);
  const synapses = report.reduce((s, r) => s + r.synapses, 0);
  const reason =
    why === "asked"
      ? "as asked (attentionTerms: counted)"
      : why
        ? `the explicit form would pass the NMIR limit of ${NMIR_LIMITS.neurons.toLocaleString("en-US")} neurons`
        : `the explicit form's terms exceed TERM_NEURON_BUDGET (${TERM_NEURON_BUDGET.toLocaleString("en-US")}; --attention-terms explicit builds them)`;
  const forms = [...new Set(report.map((r) => r.form))].join(" and ");
  diagnose(
    ctx,
    "lowerAttention",
    "note",
    `${report.length} dynamic matmul(s) kept whole for profile "${profile}", realised by ${forms} term neurons ` +
      `counted, not instantiated, ${reason}: they stand for ${neurons.toLocaleString("en-US")} term neurons ` +
      `and ${synapses.toLocaleString("en-US")} synapses (plus the ${report.reduce((s, r) => s + r.accumulators, 0).toLocaleString("en-US")} accumulators); ` +
      "map reserves their cores, simulate computes the products and counts the events they would make; " +
      "the timing is the matmul's (pipelined mode: no term hop, no relays)",
  );
  const summary = { matmuls: report, termNeurons: neurons, synapses };
  return { ...ir, dynamicMatmuls, metadata: { ...ir.metadata, "attention.terms": JSON.stringify(summary) } };
}

/**
 * Lowers every dynamic matmul of a quantized module for `options.profile` when that profile has no dynamic
 * matmul but has the neurons the form needs; a matmul it cannot lower stays (markUnsupported names why).
 */
export function lowerAttention(ir: NmirModule, ctx: PassContext = quantContext()): NmirModule {
  if (ir.dynamicMatmuls.length === 0 || ir.stage !== "quantized") return ir;
  const profile = profileOf(quantOptions(ctx).profile);
  if (!profile || profile.core.capabilities.dynamicMatmul) return ir;
  const sources = sourceTable(ir);
  const bounds = payloadBounds(ir);
  const grains = payloadGrains(ir, bounds);
  const plans = ir.dynamicMatmuls.map((dm) => {
    const [maxA, maxB] = [bounds.get(dm.a)!, bounds.get(dm.b)!];
    const choice = attentionForm(profile, sources.get(dm.a)!.event, sources.get(dm.b)!.event);
    // Every term a·b is a multiple of 2^(grain a + grain b): the product neurons drop those bits exactly.
    const preShift =
      "form" in choice && choice.form === "product"
        ? Math.min(dm.shift, grains.get(dm.a)! + grains.get(dm.b)!)
        : 0;
    const problem = "form" in choice ? widthProblem(dm, maxA, maxB, preShift) : choice.reason;
    return {
      dm,
      maxA,
      maxB,
      preShift,
      form: "form" in choice && !problem ? choice.form : undefined,
      problem,
    };
  });
  const lowered = plans.filter((p) => p.form !== undefined);
  for (const p of plans) {
    if (p.problem)
      diagnose(ctx, "lowerAttention", "warning", `not lowered: ${p.problem}`, `dynamic matmul "${p.dm.id}"`);
  }
  if (lowered.length === 0) return ir;
  const total = [...sources.values()].reduce((s, x) => s + x.size, 0);
  const added = lowered.reduce((s, p) => s + p.dm.m * p.dm.k * p.dm.n, 0);
  const tooLarge = total + added > NMIR_LIMITS.neurons;
  const choice = quantOptions(ctx).attentionTerms ?? "auto";
  if (choice === "counted" || (choice === "auto" && (tooLarge || added > TERM_NEURON_BUDGET)))
    return countTerms(ir, lowered, ctx, profile.name, choice === "counted" ? "asked" : tooLarge);
  if (tooLarge) {
    throw new SpikegridError(
      "UNSUPPORTED",
      `lowering ${lowered.length} dynamic matmul(s) for profile "${profile.name}" needs ${added.toLocaleString("en-US")} coincidence/product neurons, above the NMIR limit of ${NMIR_LIMITS.neurons.toLocaleString("en-US")} neurons (NMIR_LIMITS.neurons) with the ${total.toLocaleString("en-US")} already there`,
      {
        hint: "compile with --attention-terms counted (or auto) to keep the matmuls realised by counted term neurons, use a profile with dynamic matmul (spinnaker2, generic-45nm), or fewer tokens or heads",
      },
    );
  }
  const ids = new Set(lowered.map((p) => p.dm.id));
  const populations = [...ir.populations];
  const projections = [...ir.projections];
  const report: LoweredMatmul[] = [];
  for (const p of lowered) {
    const { dm } = p;
    const built = lowerOne(dm, p.form!, p.maxA, p.maxB, p.preShift);
    populations.push(...built.populations);
    projections.push(...built.projections);
    report.push({
      id: dm.id,
      form: p.form!,
      termNeurons: built.termNeurons,
      accumulators: dm.m * dm.n,
      synapses: built.synapses,
    });
  }
  const unaligned: NmirModule = {
    ...ir,
    populations,
    projections,
    dynamicMatmuls: ir.dynamicMatmuls.filter((d) => !ids.has(d.id)),
  };
  const aligned = alignHops(unaligned, ids);
  if (aligned.loop !== undefined) {
    diagnose(
      ctx,
      "lowerAttention",
      "warning",
      `a loop passes through the lowered matmul(s) ${aligned.loop}: exact in layer-sync mode only; in pipelined mode each lowered matmul takes one more step than the matmul did`,
    );
  }
  const neurons = report.reduce((s, r) => s + r.termNeurons, 0);
  const synapses = report.reduce((s, r) => s + r.synapses, 0);
  const forms = [...new Set(report.map((r) => r.form))].join(" and ");
  const summary = {
    matmuls: report,
    termNeurons: neurons,
    synapses,
    relayNeurons: aligned.relayNeurons,
    relaySynapses: aligned.relaySynapses,
    pipelinedSteps: aligned.steps,
  };
  diagnose(
    ctx,
    "lowerAttention",
    "note",
    `${report.length} dynamic matmul(s) lowered to ${forms} neurons for profile "${profile.name}": ` +
      `+${neurons.toLocaleString("en-US")} term neurons and +${synapses.toLocaleString("en-US")} synapses ` +
      `(the ${report.reduce((s, r) => s + r.accumulators, 0).toLocaleString("en-US")} accumulators take the matmuls' place); ` +
      `layer-sync: outputs on the same step; pipelined: outputs ${aligned.steps} step(s) later, joins kept aligned by ` +
      `${aligned.relayNeurons.toLocaleString("en-US")} relay neurons (+${aligned.relaySynapses.toLocaleString("en-US")} synapses)`,
  );
  const out = { ...aligned.ir, metadata: { ...ir.metadata, "attention.lowering": JSON.stringify(summary) } };
  return withAddedStats(out, ir);
}
