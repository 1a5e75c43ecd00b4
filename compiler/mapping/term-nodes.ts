// The neurons a dynamic matmul realised by counted term neurons (NMIR `realisation`) stands for, as the mapper
// sees them: lowerAttention's term population and accumulators, never instantiated. A core holding outputs of
// such a matmul pays for their accumulators and for the k term neurons of each.

import type { ChipProfile } from "../../hw-profiles/index.js";
import {
  createLinear,
  createProduct,
  createProjection,
  createThreshold,
  type DynamicMatmul,
  type NeuronModel,
  stateVars,
} from "../nmir/index.js";
import { attentionWiring } from "../passes/lower/attention-wiring.js";
import { addUsage, type NodeFacts, nodeFacts, runsUsage } from "./memory-models.js";
import type { MapNode } from "./nodes.js";
import type { Usage } from "./types.js";

/** The term population and the accumulators of a realised matmul, as map nodes (ids as lowerAttention's). */
export interface TermParts {
  terms: MapNode;
  accumulators: MapNode;
}

/** Whether `profile` has the neurons a term form needs (lowerAttention's attentionForm). */
export function realisableOn(profile: ChipProfile, form: "coincidence" | "product"): boolean {
  const cap = profile.core.capabilities;
  return cap.productNeurons || (form === "coincidence" && cap.compartmentJoins === true);
}

/** A population node of `size` neurons of `model`; `payloadBits` when its events are graded. */
/**
 * Whether `dm` runs as its counted term neurons on `profile`: it is realised by them and the profile has their
 * neurons — also where the chip multiplies natively, as the module says (the op counts are the terms' either
 * way); a chip with dynamic matmul but without those neurons runs it natively.
 */
export function runsAsTerms(profile: ChipProfile, dm: DynamicMatmul | undefined): boolean {
  return dm?.realisation !== undefined && realisableOn(profile, dm.realisation.form);
}

function node(id: string, size: number, model: NeuronModel, payloadBits?: number): MapNode {
  const vars = stateVars(model);
  return {
    id,
    kind: "population",
    size,
    stateBitsPerNeuron: vars.reduce((a, v) => a + v.bits, 0),
    widestState: vars.reduce((a, v) => Math.max(a, v.bits), 0),
    incoming: [],
    readers: [],
    outputOnly: false,
    graded: payloadBits !== undefined,
    ...(payloadBits !== undefined ? { payloadBits } : {}),
    product: model.kind === "product",
    operands: [],
  };
}

/**
 * The two populations lowerAttention builds for `dm`, wired as it wires them. The terms are laid out as for a
 * transposed B — the k terms of output (i, j) contiguous at (i·n + j)·k — whatever `dm.transposeB`: the same
 * terms reading the same A and B neurons through one synapse each, so a slice of outputs is one run of terms.
 * The accumulators send the matmul's payloads (as bit planes on a binary-spike chip); a product term's width,
 * read only for bit planes, which no chip with product neurons uses, is taken as the matmul's.
 */
export function termParts(dm: DynamicMatmul, matmul: MapNode): TermParts {
  const r = dm.realisation!;
  const { m, k, n } = dm;
  const wiring = attentionWiring({ ...dm, transposeB: true });
  const termModel =
    r.form === "coincidence"
      ? createThreshold({ vth: 2, fire: "ge" })
      : createProduct({ shift: r.preShift, outBits: dm.outBits });
  const termId = `${dm.id}.terms`;
  const terms = node(termId, m * k * n, termModel, r.form === "product" ? dm.outBits : undefined);
  const [portA, portB] = r.form === "coincidence" ? ["in", "in"] : ["a", "b"];
  const from = (src: string, port: string, connectivity: (typeof wiring)["fromA"], id: string) =>
    createProjection({ id, src, dst: termId, port, connectivity, weightBits: 2 });
  terms.incoming = [
    from(dm.a, portA!, wiring.fromA, `${termId}.a`),
    from(dm.b, portB!, wiring.fromB, `${termId}.b`),
  ];
  terms.readers = [dm.id];
  const accModel = createLinear({ outShift: dm.shift - r.preShift, outBits: dm.outBits });
  const accumulators = node(dm.id, m * n, accModel, dm.outBits);
  accumulators.incoming = [
    createProjection({
      id: `${dm.id}.sum`,
      src: termId,
      dst: dm.id,
      connectivity: wiring.sum,
      weightBits: 2,
    }),
  ];
  accumulators.readers = matmul.readers;
  accumulators.outputOnly = matmul.outputOnly;
  return { terms, accumulators };
}

/**
 * Usage of outputs `start .. start + count − 1` of a realised matmul: their accumulators and their k·count
 * term neurons (the terms' own reads of A and B, the accumulators' reads of the terms), as the explicit
 * populations' slices would use them.
 */
export function termSliceUsage(
  parts: TermParts,
  k: number,
  profile: ChipProfile,
  nodes: Map<string, MapNode>,
  inputIds: ReadonlySet<string>,
  sizes: ReadonlyMap<string, number>,
): (start: number, count: number) => Usage {
  const all = new Map(nodes).set(parts.terms.id, parts.terms);
  const termFacts: NodeFacts = nodeFacts(parts.terms, profile, all);
  const accFacts: NodeFacts = nodeFacts(parts.accumulators, profile, all);
  const termSizes = new Map(sizes).set(parts.terms.id, parts.terms.size);
  return (start, count) =>
    addUsage(
      runsUsage(parts.accumulators, accFacts, [{ start, count }], profile, inputIds, termSizes),
      runsUsage(
        parts.terms,
        termFacts,
        [{ start: start * k, count: count * k }],
        profile,
        inputIds,
        termSizes,
      ),
    );
}
