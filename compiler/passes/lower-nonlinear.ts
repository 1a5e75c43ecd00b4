// Graph pass `lowerNonlinear`: the Binary S4D / GSU nonlinearities in forms a chip with graded function and
// product neurons runs — sigmoid, tanh and GELU as piecewise-linear tables (one function neuron each),
// LayerNorm as centring → squares (products) → mean + eps → 1/√ (a table) → product, and TernaryGatedMix
// exactly (max|y| by a relu tree, ternary activations by two threshold populations, ternary weights as weights).

import { SpikegridError } from "../../common/errors.js";
import type { ChipProfile } from "../../hw-profiles/index.js";
import { listProfiles } from "../../hw-profiles/index.js";
import {
  createActivation,
  createAffine,
  createLinear,
  createProduct,
  createTableActivation,
  type GraphNode,
  inferShapes,
  type NetGraph,
  ndarray,
} from "../graph/index.js";
import { APPROXIMATIONS_KEY, type ApproximationRecord, readApproximations } from "./approximations.js";
import { cloneGraph, replaceNode } from "./graph-edit.js";
import { measureOnCalibration } from "./nonlinear-agreement.js";
import {
  type Approximation,
  geluApprox,
  probeError,
  probeText,
  rsqrtApprox,
  sigmoidApprox,
  tanhApprox,
} from "./nonlinear-tables.js";
import { diagnose, type PassContext } from "./pass.js";
import { profileOf, quantOptions } from "./quant-plan.js";
import { ternaryGatedMixNodes } from "./ternary-mix.js";

const PASS = "lowerNonlinear";

type Need = "functionNeurons" | "productNeurons";

/** UNSUPPORTED when the profile lacks what the rewritten node needs, naming it and the profiles that have it. */
function checkProfile(profile: ChipProfile | undefined, id: string, what: string, needs: Need[]): void {
  if (!profile) return;
  const cap = profile.core.capabilities;
  const has = (p: ChipProfile, n: Need) =>
    p.core.capabilities[n] === true && p.core.capabilities.gradedSpikes;
  const missing = needs.filter((n) => cap[n] !== true);
  if (!cap.gradedSpikes || missing.length > 0) {
    const lacks = [...(cap.gradedSpikes ? [] : ["gradedSpikes"]), ...missing];
    const ok = listProfiles()
      .filter((p) => needs.every((n) => has(p, n)))
      .map((p) => p.name);
    throw new SpikegridError(
      "UNSUPPORTED",
      `node "${id}" (${what}) needs graded ${needs.map((n) => (n === "functionNeurons" ? "function (table) neurons" : "product neurons")).join(" and ")}; profile "${profile.name}" lacks ${lacks.map((l) => `core.capabilities.${l}`).join(", ")}`,
      {
        hint: `compile for a profile that has them (${ok.join(", ")}), or without --profile for the float-faithful module`,
      },
    );
  }
}

const eye = (d: number, scale = 1) => {
  const w = new Float64Array(d * d);
  for (let i = 0; i < d; i++) w[i * d + i] = scale;
  return w;
};

/** LayerNorm over the last axis (size d) as NetGraph nodes; the last node keeps the LayerNorm's id. */
function layerNormNodes(
  id: string,
  d: number,
  node: Extract<GraphNode, { kind: "LayerNorm" }>,
  a: Approximation,
) {
  const center = eye(d);
  for (let i = 0; i < d * d; i++) center[i]! -= 1 / d;
  const gamma = eye(d);
  for (let i = 0; i < d; i++) gamma[i * d + i] = node.weight.data[i]!;
  const nodes: [string, GraphNode][] = [
    [`${id}.center`, createLinear(ndarray([d, d], center))],
    // the deviations d as a graded population: three readers then take it one to one
    [`${id}.dev`, createActivation("identity")],
    [`${id}.square`, createProduct()],
    [`${id}.var`, createAffine(ndarray([1, d], new Float64Array(d).fill(1 / d)), ndarray([1], [node.eps]))],
    [`${id}.rsqrt`, createTableActivation(a.table)],
    [`${id}.spread`, createLinear(ndarray([d, 1], new Float64Array(d).fill(1)))],
    [`${id}.scaled`, createProduct()],
    [id, createAffine(ndarray([d, d], gamma), ndarray([d], Float64Array.from(node.bias.data)))],
  ];
  const edges = [
    { src: `${id}.center`, dst: `${id}.dev` },
    { src: `${id}.dev`, dst: `${id}.square`, dstPort: "a" },
    { src: `${id}.dev`, dst: `${id}.square`, dstPort: "b" },
    { src: `${id}.square`, dst: `${id}.var` },
    { src: `${id}.var`, dst: `${id}.rsqrt` },
    { src: `${id}.rsqrt`, dst: `${id}.spread` },
    { src: `${id}.dev`, dst: `${id}.scaled`, dstPort: "a" },
    { src: `${id}.spread`, dst: `${id}.scaled`, dstPort: "b" },
    { src: `${id}.scaled`, dst: id },
  ];
  return { nodes, edges, entry: `${id}.center` };
}

/**
 * Rewrites every sigmoid/tanh/GELU Activation, LayerNorm and TernaryGatedMix; with `options.profile`, refuses
 * (UNSUPPORTED) when that chip lacks graded function or product neurons. Notes per approximated node the table
 * and its error on a stated synthetic input, and — with calibration data — the float-vs-lowered error there.
 */
export function lowerNonlinear(g: NetGraph, ctx: PassContext): NetGraph {
  const targets = [...g.nodes].filter(
    ([, n]) =>
      n.kind === "LayerNorm" ||
      n.kind === "TernaryGatedMix" ||
      (n.kind === "Activation" && (n.fn === "sigmoid" || n.fn === "tanh" || n.fn === "gelu")),
  );
  if (!targets.length) return g;
  const options = quantOptions(ctx);
  const profile = profileOf(options.profile);
  const shapes = inferShapes(g);
  const out = cloneGraph(g);
  const approximated: string[] = [];
  const mixes: string[] = [];
  const tables = new Map<string, Approximation>();
  for (const [id, node] of targets) {
    const inShape = shapes.get(id)!.inputs.in!;
    if (node.kind === "Activation") {
      checkProfile(profile, id, `Activation ${node.fn}`, ["functionNeurons"]);
      const a = node.fn === "sigmoid" ? sigmoidApprox() : node.fn === "tanh" ? tanhApprox() : geluApprox();
      replaceNode(out, id, [[id, createTableActivation(a.table)]]);
      tables.set(id, a);
      approximated.push(id);
      continue;
    }
    const d = inShape[inShape.length - 1]!;
    let built: { nodes: [string, GraphNode][]; edges: typeof out.edges; entry: string };
    if (node.kind === "LayerNorm") {
      checkProfile(profile, id, "LayerNorm", ["functionNeurons", "productNeurons"]);
      const a = rsqrtApprox(node.eps);
      built = layerNormNodes(id, d, node, a);
      tables.set(id, a);
      approximated.push(id);
    } else if (node.kind === "TernaryGatedMix") {
      checkProfile(profile, id, "TernaryGatedMix", ["productNeurons"]);
      if (inShape.length !== 1)
        throw new SpikegridError(
          "UNSUPPORTED",
          `node "${id}" (TernaryGatedMix) reads [${inShape}]; only a 1-d [H] input lowers`,
          {
            hint: "reshape its input to one feature vector per step",
          },
        );
      built = ternaryGatedMixNodes(id, node);
      mixes.push(id);
      diagnose(
        ctx,
        PASS,
        "note",
        `exact: max|y| by a ${Math.ceil(Math.log2(2 * d))}-level relu tree, ternary activations by two threshold populations, ternary weights T as weights (no approximation)`,
        `node "${id}" (TernaryGatedMix)`,
      );
    } else continue;
    replaceNode(out, id, built.nodes);
    // the node's inputs now enter its first new node; its readers still read `id`
    out.edges = out.edges.map((e) => (e.dst === id ? { ...e, dst: built.entry, dstPort: undefined } : e));
    for (const e of out.edges) if (e.dstPort === undefined) delete e.dstPort;
    out.edges.push(...built.edges);
  }
  for (const id of approximated) {
    const a = tables.get(id)!;
    const what = a.table.fn === "rsqrt" ? "LayerNorm: 1/√(var + eps)" : a.table.fn;
    diagnose(
      ctx,
      PASS,
      "note",
      `approximated: ${what} as a ${a.table.xs.length}-point table function neuron; ${probeText(a)}`,
      `node "${id}"`,
    );
  }
  // measured on data where calibration samples are given: the tables and (exact by construction) the mixes
  const measured =
    options.calibration && approximated.length + mixes.length > 0
      ? measureOnCalibration(g, out, [...approximated, ...mixes], options.calibration, options.dt)
      : [];
  for (const line of measured) diagnose(ctx, PASS, "note", line.message, `node "${line.id}"`);
  const records: ApproximationRecord[] = [...approximated, ...mixes].map((id) => {
    const a = tables.get(id);
    const m = measured.find((x) => x.id === id);
    return {
      id,
      op: a ? (a.table.fn === "rsqrt" ? "LayerNorm 1/√ table" : `${a.table.fn} table`) : "ternary mix",
      points: a?.table.xs.length ?? 0,
      synthetic: a ? probeError(a) : 0,
      ...(m ? { maxAbs: m.maxAbs, relRms: m.relRms, steps: m.steps } : {}),
    };
  });
  if (records.length)
    out.metadata[APPROXIMATIONS_KEY] = JSON.stringify([...readApproximations(g.metadata), ...records]);
  return out;
}
