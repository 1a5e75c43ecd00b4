// lowerToNmir, step 7: the module under construction — unique ids, projections from terms, constants routed to
// biases or to the constant spike source, and the per-port wiring shared by every kind of destination.

import { SpikegridError } from "../../../common/errors.js";
import type { ClipStart } from "../../graph/index.js";
import {
  type Connectivity,
  createDense,
  createIf,
  createOneToOne,
  createPopulation,
  createProduct,
  createProjection,
  type DynamicMatmul,
  type InputPort,
  type OutputPort,
  type Population,
  type Projection,
} from "../../nmir/index.js";
import type { Diagnostic } from "../pass.js";
import type { Ungated } from "./clip-start.js";
import { applyTerm, type Limits } from "./compose.js";
import { realWeights } from "./connectivity.js";
import { ConnectivityCache } from "./connectivity-cache.js";
import { LOWERED_BITS, type PopulationPlan } from "./neurons.js";
import { type Path, type PathContext, pathsInto, pathTerms, type Term } from "./paths.js";
import { type AbsorbedPool, absorbedPool } from "./pool-record.js";

/** How projections read a boundary: its NMIR id and a factor on its value (a DynamicMatmul's scale). */
export interface SourceInfo {
  id: string;
  scale: number;
}

export class ModuleBuilder {
  readonly inputs: InputPort[] = [];
  readonly populations: Population[] = [];
  readonly projections: Projection[] = [];
  readonly dynamicMatmuls: DynamicMatmul[] = [];
  readonly outputs: OutputPort[] = [];
  /** Pooling absorbed into a composed projection, by projection id (`metadata["pool.<id>"]`). */
  readonly pools = new Map<string, AbsorbedPool>();
  /** Ports that "gate" would have gated and "free" wires directly (for the note of lower/clip-start.ts). */
  readonly ungated: Ungated[] = [];
  private readonly used = new Set<string>();
  /** `dst\0port` of every projection so far: "is this port fed?" in O(1), not a scan per population. */
  private readonly fed = new Set<string>();
  private tonic: string | undefined;
  private readonly connectivities: ConnectivityCache;

  constructor(
    private readonly pc: PathContext,
    private readonly sources: (index: number) => SourceInfo,
    limits: Limits,
    private readonly note: (d: Omit<Diagnostic, "pass">) => void,
    reserved: Iterable<string>,
    private readonly clipStart: ClipStart = "gate",
  ) {
    for (const id of reserved) this.used.add(id);
    this.connectivities = new ConnectivityCache(limits);
  }

  /** `base` if unused, else `base~2`, …; the id is then taken. */
  unique(base: string): string {
    let id = base;
    for (let i = 2; this.used.has(id); i++) id = `${base}~${i}`;
    this.used.add(id);
    return id;
  }

  project(src: string, dst: string, port: string, conn: Connectivity, delay: number): string {
    const id = this.unique(`${src}->${dst}${port === "in" ? "" : `.${port}`}${delay ? `@${delay}` : ""}`);
    this.projections.push(
      createProjection({ id, src, dst, port, connectivity: conn, weightBits: 32, delay }),
    );
    this.fed.add(`${dst}\0${port}`);
    return id;
  }

  /**
   * A population that spikes every step from t = 0 (IF: v = 0 + 1 ≥ 1, reset to 0), for constants NMIR
   * parameters cannot hold: constants that start after a delay (biases behind recurrent edges, Delay nodes,
   * look-ahead: a node's constant acts from its frame 0), constants into CubaLIF currents or product ports,
   * and the gates of ports that must stay silent before their frame 0.
   */
  private tonicSource(): string {
    if (this.tonic) return this.tonic;
    const id = this.unique("const");
    const model = createIf({ vth: 1, bias: 1, vReset: 0, reset: "zero", fire: "ge", vBits: LOWERED_BITS });
    this.populations.unshift(createPopulation({ id, shape: [1], model }));
    this.project(id, id, "in", createOneToOne({ size: 1, weights: realWeights([0]) }), 1);
    this.note({
      level: "note",
      message: `population "${id}" spikes every step to carry constant inputs that no NMIR parameter can hold`,
      where: id,
    });
    this.tonic = id;
    return id;
  }

  /**
   * Wires every path into graph port `graphPort` of node `dst` to NMIR port `port` of population `dstId`;
   * returns the delay-0 constant (before the gain) when the plan takes constants as bias, else zeros.
   * The node runs from step `start` (lookahead plan): a term that can deliver earlier — a partial sum of a
   * look-ahead conv's frames < 0, which the definition pads with zeros — makes the port read through a gate
   * ("gate"), or is wired like any other and recorded in `ungated` ("free").
   */
  feed(
    dst: number,
    graphPort: number,
    dstId: string,
    port: string,
    plan: PopulationPlan,
    n: number,
  ): Float64Array {
    const { plan: la } = this.pc;
    const start = la.start[dst]!;
    const terms = pathsInto(this.pc, dst, graphPort).flatMap((path) =>
      pathTerms(this.pc, path, dst).map((term) => ({ path, term })),
    );
    // a signal from node s reaches the port from step delay + ahead[s] (s's frame 0) on; a constant's delay
    // already counts its start
    const earliest = Math.min(
      ...terms.map(({ path, term }) => term.delay + (path.constant ? 0 : la.ahead[path.source]!)),
    );
    // "free" keeps the partial sums: the population integrates them before its frame 0, as on a chip
    if (earliest < start && this.clipStart === "free") this.ungated.push({ population: dstId, port, start });
    if (earliest < start && this.clipStart === "gate") {
      // gate = (terms) · [t ≥ start]: a product whose port b is the constant source from step `start` on
      const gate = this.unique(`${dstId}.gate`);
      this.populations.push(
        createPopulation({ id: gate, shape: [n], model: createProduct({ outBits: LOWERED_BITS }) }),
      );
      this.wire(terms, gate, "a", plan.gain[plan.ports.indexOf(port)]!, n, "tonic");
      const one = realWeights(new Float64Array(n).fill(1));
      this.project(
        this.tonicSource(),
        gate,
        "b",
        createDense({ inSize: 1, outSize: n, weights: one }),
        start,
      );
      this.project(gate, dstId, port, createOneToOne({ size: n, weights: realWeights([1]) }), 0);
      return new Float64Array(n);
    }
    const bias = this.wire(terms, dstId, port, plan.gain[plan.ports.indexOf(port)]!, n, plan.constants);
    if (!this.fed.has(`${dstId}\0${port}`)) {
      // NMIR wants every port fed: a population without inputs (self-driven) reads itself with weight 0
      this.project(dstId, dstId, port, createOneToOne({ size: n, weights: realWeights([0]) }), 1);
    }
    return bias;
  }

  /** Projections of `terms` into `dstId`.`port` with the destination's gain; constants as `constants` says. */
  private wire(
    terms: { path: Path; term: Term }[],
    dstId: string,
    port: string,
    gain: Float64Array,
    n: number,
    constantsTo: PopulationPlan["constants"],
  ): Float64Array {
    const constants = new Map<number, Float64Array>();
    for (const { path, term } of terms) {
      if (path.constant) {
        const v = applyTerm(term, this.pc.taps(path.source).bias!.vector);
        const acc = constants.get(term.delay) ?? new Float64Array(n);
        for (let i = 0; i < n; i++) acc[i]! += v[i]!;
        constants.set(term.delay, acc);
        continue;
      }
      const src = this.sources(path.source);
      const g = src.scale === 1 ? gain : gain.map((x) => x * src.scale);
      const { conn, how } = this.connectivities.build(term, g);
      const id = this.project(src.id, dstId, port, conn, term.delay);
      const pool = absorbedPool(term);
      if (pool && (pool.unpooled.as === "conv") === (conn.kind === "conv2d")) this.pools.set(id, pool);
      if (conn.kind === "sparse" || term.steps.length > 1)
        this.note({ level: "note", message: `${term.label}: ${how}`, where: dstId });
    }
    const bias = new Float64Array(n);
    for (const [delay, v] of constants) {
      if (v.every((x) => x === 0)) continue;
      if (delay === 0 && constantsTo === "bias") {
        bias.set(v);
        continue;
      }
      if (constantsTo === "refuse") {
        throw new SpikegridError(
          "UNSUPPORTED",
          `population "${dstId}" cannot take a constant input (biases upstream of it)`,
          {
            hint: "remove the biases of the linear nodes that feed it",
          },
        );
      }
      const w = realWeights(v.map((x, i) => x * gain[i]!));
      this.project(
        this.tonicSource(),
        dstId,
        port,
        createDense({ inSize: 1, outSize: n, weights: w }),
        delay,
      );
    }
    return bias;
  }
}
