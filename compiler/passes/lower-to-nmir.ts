// The lower pass `lowerToNmir`: cuts the NetGraph at population boundaries and turns every path of linear nodes
// between two boundaries into projections (composite map y = M x + c: M → connectivity, c → bias), giving NMIR at
// stage "lowered" (real-valued weights and parameters). Rules and formulas: README.md.

import { assertNever, SpikegridError } from "../../common/errors.js";
import { createSumPool2d, lookaheadPlan, type NetGraph } from "../graph/index.js";
import { scheduleGraph } from "../graph/schedule.js";
import {
  type Connectivity,
  createDynamicMatmul,
  createInput,
  createModule,
  createOutput,
  createPopulation,
  gradedEvent,
  type NmirModule,
  spikeEvent,
} from "../nmir/index.js";
import { carryAcrossPhases, SEQUENCE_BUFFERS_KEY } from "../nmir/phases.js";
import { APPROXIMATIONS_KEY } from "./approximations.js";
import { ModuleBuilder, type SourceInfo } from "./lower/builder.js";
import { resolveClipStart, ungatedNote } from "./lower/clip-start.js";
import { buildConnectivity } from "./lower/connectivity.js";
import { lookaheadWarnings } from "./lower/lookahead-checks.js";
import { identityPlan, LOWERED_BITS, planPopulation } from "./lower/neurons.js";
import { type PathContext, pathsInto, pathTerms, type Term, tapTable } from "./lower/paths.js";
import { POOL_KEY_PREFIX } from "./lower/pool-record.js";
import { emitsSpikes, isReindex, type Role, roleOf } from "./lower/roles.js";
import { diagnose, type PassContext } from "./pass.js";
import { graphWeights, untrainedWarning, WEIGHTS_KEY } from "./weights-provenance.js";

const PASS = "lowerToNmir";
const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

export function lowerToNmir(g: NetGraph, ctx: PassContext): NmirModule {
  const o = ctx.options;
  const note = (d: { level: "note" | "warning"; message: string; where?: string }) =>
    diagnose(ctx, PASS, d.level, d.message, d.where);
  for (const [id, node] of g.nodes) roleOf(id, node); // unlowerable kinds fail before any work
  const dt = o.dt ?? g.dt ?? 1;
  if (o.dt === undefined && g.dt === undefined)
    note({
      level: "warning",
      message: "no dt given (--dt, library option dt, or the graph's dt): using 1 s per step",
    });
  const schedule = scheduleGraph(g);
  const { nodes } = schedule;
  const roles: Role[] = nodes.map((sn) => roleOf(sn.id, sn.node));
  const isLinear = (i: number) => roles[i] === "linear";
  // look-ahead alignment, shared with the float reference: edge delays, and each node's frame 0 step
  const plan = lookaheadPlan(nodes);
  const pc: PathContext = {
    schedule,
    isLinear,
    taps: tapTable(schedule, isLinear, dt),
    plan,
    maxPaths: o.maxPaths ?? 4096,
  };
  const clip = resolveClipStart(o);
  // the warnings describe where gating cannot match the float reference's reset-before-frame-0; "free" runs
  // populations from step 0 in both, so they do not apply
  if (clip.mode === "gate")
    lookaheadWarnings(pc, plan, roles, (message, where) => note({ level: "warning", message, where }));
  const inputEvent = o.inputEvent === "spike" ? spikeEvent() : gradedEvent(LOWERED_BITS);
  const sources = (i: number): SourceInfo => {
    const n = nodes[i]!.node;
    return { id: nodes[i]!.id, scale: n.kind === "DynamicMatmul" ? n.scale : 1 };
  };
  const spiking = (i: number) =>
    roles[i] === "input" ? inputEvent.kind === "spike" : roles[i] !== "linear" && emitsSpikes(nodes[i]!.node);
  const limits = { maxComposeWork: o.maxComposeWork ?? 2 ** 31, maxSynapses: o.maxSynapses ?? 2 ** 26 };
  // ids of linear nodes stay free: an Output reading a linear node names its graded population after it
  const reserved = nodes.filter((_, i) => !isLinear(i)).map((sn) => sn.id);
  const b = new ModuleBuilder(pc, sources, limits, note, reserved, clip.mode);

  /** The single term of a port that only re-indexes one boundary's value this step, or undefined. */
  const plainRead = (i: number, port: number): { src: number; term: Term } | undefined => {
    const paths = pathsInto(pc, i, port);
    const p = paths[0];
    if (paths.length !== 1 || !p || p.constant) return undefined;
    const terms = pathTerms(pc, p, i);
    const t = terms[0]!;
    const plain = terms.length === 1 && t.delay === 0 && t.steps.every((s) => isReindex(s.node));
    return plain && sources(p.source).scale === 1 ? { src: p.source, term: t } : undefined;
  };
  /** A graded identity population holding port `port` of node i (outputs and matmul operands). */
  const materialize = (i: number, port: number, base: string): string => {
    const id = b.unique(base);
    const shape = nodes[i]!.inShapes[port]!;
    const plan = identityPlan(size(shape));
    const c = b.feed(i, port, id, "in", plan, size(shape));
    b.populations.push(createPopulation({ id, shape, model: plan.model([c]) }));
    return id;
  };

  const progress = ctx.options.progress;
  progress?.stage("lowerToNmir", nodes.length);
  for (const [i, sn] of nodes.entries()) {
    progress?.tick(i);
    const { id, node } = sn;
    const n = size(sn.outShape);
    const role = roles[i]!;
    switch (role) {
      case "input":
        b.inputs.push(createInput(id, sn.outShape, inputEvent));
        break;
      case "linear":
        break;
      case "population": {
        const plan = planPopulation(node, n, dt);
        if (node.kind === "MaxPool2d") {
          const mp = maxPoolProjection(i);
          b.project(mp.src, id, "in", mp.conn, mp.delay);
          b.populations.push(createPopulation({ id, shape: sn.outShape, model: plan.model([]) }));
          break;
        }
        const consts = plan.ports.map((port, p) => b.feed(i, p, id, port, plan, n));
        b.populations.push(createPopulation({ id, shape: sn.outShape, model: plan.model(consts) }));
        break;
      }
      case "matmul": {
        if (node.kind !== "DynamicMatmul") break;
        const [a, bb] = [0, 1].map((p) => {
          const r = plainRead(i, p);
          return r ? sources(r.src).id : materialize(i, p, `${id}.${p === 0 ? "a" : "b"}`);
        }) as [string, string];
        const [m, k] = sn.inShapes[0] as [number, number];
        b.dynamicMatmuls.push(
          createDynamicMatmul({
            id,
            a,
            b: bb,
            m,
            k,
            n: sn.outShape[1]!,
            transposeB: node.transposeB,
            outBits: LOWERED_BITS,
          }),
        );
        break;
      }
      case "output": {
        const r = plainRead(i, 0);
        const only = sn.sources[0]!.length === 1 ? nodes[sn.sources[0]![0]!.src]!.id : `${id}.value`;
        b.outputs.push(createOutput(id, r ? sources(r.src).id : materialize(i, 0, only)));
        break;
      }
      default:
        assertNever(role, "role");
    }
  }
  progress?.tick(nodes.length);

  /** MaxPool2d on spikes: one plain spiking path, then a sum-pool projection into a threshold (> 0). */
  function maxPoolProjection(i: number): { src: string; conn: Connectivity; delay: number } {
    const sn = nodes[i]!;
    const node = sn.node;
    const paths = pathsInto(pc, i, 0);
    const p = paths[0];
    const terms = p && !p.constant && paths.length === 1 ? pathTerms(pc, p, i) : [];
    const t = terms[0];
    if (
      node.kind !== "MaxPool2d" ||
      !p ||
      !t ||
      terms.length !== 1 ||
      !spiking(p.source) ||
      !t.steps.every((s) => isReindex(s.node))
    ) {
      throw new SpikegridError(
        "UNSUPPORTED",
        `node "${sn.id}" (MaxPool2d) cannot be lowered: NMIR has a max only for spikes (an OR), and its input is not the plain spike output of one spiking layer`,
        {
          hint: 'apply the max-pool directly to spikes (IF/LIF/CubaLIF/Threshold output, or inputs with inputEvent "spike"), or use AvgPool2d/SumPool2d',
        },
      );
    }
    const pool = createSumPool2d({ kernel: node.kernel, stride: node.stride, pads: node.pads });
    const step = { node: pool, port: 0, inShapes: sn.inShapes, outShape: sn.outShape, label: sn.id };
    const term: Term = { ...t, steps: [...t.steps, step], outShape: sn.outShape };
    const ones = new Float64Array(size(sn.outShape)).fill(1);
    return { src: sources(p.source).id, conn: buildConnectivity(term, ones, limits).conn, delay: t.delay };
  }

  const metadata: Record<string, string> = { loweredFrom: "NetGraph", dt: String(dt) };
  if (plan.delay > 0) metadata.algorithmicDelaySteps = String(plan.delay);
  // the float reference must run with the same clip start to be compared like-for-like (simulate
  // --compare-float reads it); without look-ahead both modes are the same and nothing is recorded
  if (plan.start.some((s) => s > 0)) metadata.clipStart = clip.mode;
  if (b.ungated.length) note({ level: "note", message: ungatedNote(b.ungated, clip.why) });
  for (const [id, r] of b.pools) metadata[`${POOL_KEY_PREFIX}${id}`] = JSON.stringify(r);
  const weights = graphWeights(g);
  if (weights) metadata[WEIGHTS_KEY] = weights;
  // sequence buffers (a bidirectional SSM, lower-bidirectional-ssm.ts): the phase contract, and the user's
  // outputs first — consumers read outputs[0] as the network's readout
  const approximations = g.metadata[APPROXIMATIONS_KEY]; // lowerNonlinear's, for the run JSON
  if (typeof approximations === "string") metadata[APPROXIMATIONS_KEY] = approximations;
  const buffers = g.metadata[SEQUENCE_BUFFERS_KEY];
  if (typeof buffers === "string") metadata[SEQUENCE_BUFFERS_KEY] = buffers;
  const stored = new Set(typeof buffers === "string" ? sequenceBuffersOf(buffers) : []);
  const outputs = [
    ...b.outputs.filter((x) => !stored.has(x.id)),
    ...b.outputs.filter((x) => stored.has(x.id)),
  ];
  const untrained = untrainedWarning(weights);
  if (untrained) note({ level: "warning", message: untrained });
  const name = o.name ?? (typeof g.metadata.name === "string" ? g.metadata.name : "network");
  return carryAcrossPhases(
    createModule({
      name,
      stage: "lowered",
      dt,
      inputs: b.inputs,
      populations: b.populations,
      projections: b.projections,
      dynamicMatmuls: b.dynamicMatmuls,
      outputs,
      metadata,
    }),
  );
}

/** Output ids the buffers store (the graph's JSON as lower-bidirectional-ssm.ts writes it). */
function sequenceBuffersOf(json: string): string[] {
  return (JSON.parse(json) as { output: string }[]).map((b) => b.output);
}
