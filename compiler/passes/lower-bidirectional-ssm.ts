// lowerDiagonalSsm's bidirectional case: S4's two-sided layer as a buffered three-phase schedule of causal
// accumulators joined by sequence buffers (compiler/nmir/phases.ts; the scheme is in README.md).

import {
  createDelay,
  createInput,
  createOutput,
  createReshape,
  type NetGraph,
  ndarray,
} from "../graph/index.js";
import type { SequenceBuffer } from "../nmir/phases.js";
import { SEQUENCE_BUFFERS_KEY } from "../nmir/phases.js";
import { freshId } from "./graph-edit.js";
import { type AccumulatorSpec, insertAccumulator } from "./recurrent-accumulator.js";

/** The graph metadata key lowerToNmir copies into the module's (same name as the NMIR contract). */
export const GRAPH_BUFFERS_KEY = SEQUENCE_BUFFERS_KEY;

/** Buffers declared so far on `g` (the pass appends one layer's three). */
export function graphBuffers(g: NetGraph): SequenceBuffer[] {
  const v = g.metadata[GRAPH_BUFFERS_KEY];
  return typeof v === "string" ? (JSON.parse(v) as SequenceBuffer[]) : [];
}

/**
 * With u the layer's input, p the phase u is computed in:
 *   phase p:     `id.store` (Output) stores u_0..u_{T−1};
 *   phase p + 1: `id.rev` replays u reversed (step τ holds u_{T−1−τ}) through a one-step Delay into the
 *                backward accumulator (λ̄, B̄, C_back): its readout at τ is Σ_{m>t} K_back[m−t−1] u_m for
 *                t = T−1−τ; `id.bstore` (Output) stores it;
 *   phase p + 2: `id.fwd` replays u forward into the forward accumulator (λ̄, B̄, C, D) and `id.bwd` replays the
 *                stored backward terms reversed, i.e. in forward order; both sum into `id`, which the rest of
 *                the network reads as before, streaming forward.
 * `fwd` and `bwd` are the forward and backward specs as lowerDiagonalSsm builds them (D only in `fwd`).
 */
export function insertBidirectional(
  g: NetGraph,
  id: string,
  h: number,
  dt: number,
  fwd: AccumulatorSpec,
  bwd: AccumulatorSpec,
): void {
  const taken = new Set<string>();
  const fresh = (suffix: string) => {
    const f = freshId(g, `${id}.${suffix}`, taken);
    taken.add(f);
    return f;
  };
  const ids = {
    store: fresh("store"),
    rev: fresh("rev"),
    delay: fresh("rev.delay"),
    back: fresh("back"),
    bstore: fresh("bstore"),
    fwd: fresh("fwd"),
    bwd: fresh("bwd"),
  };
  g.nodes.set(ids.store, createOutput());
  for (const e of g.edges) if (e.dst === id) e.dst = ids.store;
  g.nodes.set(ids.rev, createInput([h]));
  g.nodes.set(ids.delay, createDelay(ndarray([h], new Float64Array(h).fill(dt))));
  g.nodes.set(ids.back, createReshape([h]));
  g.nodes.set(ids.bstore, createOutput());
  g.edges.push(
    { src: ids.rev, dst: ids.delay },
    { src: ids.delay, dst: ids.back },
    { src: ids.back, dst: ids.bstore },
  );
  insertAccumulator(g, ids.back, bwd);
  g.nodes.set(ids.fwd, createInput([h]));
  g.nodes.set(ids.bwd, createInput([h, 1])); // summed with the readout C, [h, 1], before its Reshape
  const forward = insertAccumulator(g, id, fwd);
  g.edges.push({ src: ids.fwd, dst: forward.in }, { src: ids.bwd, dst: id });
  const buffers: SequenceBuffer[] = [
    { input: ids.rev, output: ids.store, reverse: true, lag: 1 },
    { input: ids.fwd, output: ids.store, reverse: false, lag: 2 },
    { input: ids.bwd, output: ids.bstore, reverse: true, lag: 1 },
  ];
  g.metadata[GRAPH_BUFFERS_KEY] = JSON.stringify([...graphBuffers(g), ...buffers]);
}
