// Factories for module-level NMIR elements (module, ports, populations, projections, dynamic matmuls).
// Neuron models: neuron-factories.ts; connectivities: connectivity.ts.

import type { Connectivity } from "./connectivity.js";
import { modelOutput } from "./model-info.js";
import type { NeuronModel } from "./neuron-models.js";
import {
  type DynamicMatmul,
  type EventKind,
  type InputPort,
  NMIR_FORMAT_VERSION,
  type NmirModule,
  type OutputPort,
  type Population,
  type Projection,
  type Scale,
  type Stage,
} from "./types.js";

export function spikeEvent(): EventKind {
  return { kind: "spike" };
}

export function gradedEvent(bits: number): EventKind {
  return { kind: "graded", bits };
}

/** Defaults: stage "lowered", no dt, empty element lists and metadata, the current format version. */
export function createModule(o: {
  name: string;
  stage?: Stage;
  dt?: number;
  inputs?: InputPort[];
  populations?: Population[];
  projections?: Projection[];
  dynamicMatmuls?: DynamicMatmul[];
  outputs?: OutputPort[];
  metadata?: Record<string, string>;
}): NmirModule {
  return {
    formatVersion: NMIR_FORMAT_VERSION,
    name: o.name,
    stage: o.stage ?? "lowered",
    ...(o.dt === undefined ? {} : { dt: o.dt }),
    inputs: o.inputs ?? [],
    populations: o.populations ?? [],
    projections: o.projections ?? [],
    dynamicMatmuls: o.dynamicMatmuls ?? [],
    outputs: o.outputs ?? [],
    metadata: o.metadata ?? {},
  };
}

/** Default event: spike. */
export function createInput(id: string, shape: number[], event: EventKind = spikeEvent()): InputPort {
  return { id, shape, event };
}

/** The output event defaults to the one the model emits. */
export function createPopulation(o: {
  id: string;
  shape: number[];
  model: NeuronModel;
  output?: EventKind;
}): Population {
  return { id: o.id, shape: o.shape, model: o.model, output: o.output ?? modelOutput(o.model) };
}

/** Defaults: port "in", scale 2^0 per projection, delay 0. */
export function createProjection(o: {
  id: string;
  src: string;
  dst: string;
  port?: string;
  connectivity: Connectivity;
  weightBits: number;
  scale?: Scale;
  delay?: number;
}): Projection {
  return {
    id: o.id,
    src: o.src,
    dst: o.dst,
    port: o.port ?? "in",
    connectivity: o.connectivity,
    weightBits: o.weightBits,
    scale: o.scale ?? { kind: "perProjection", exp: 0 },
    delay: o.delay ?? 0,
  };
}

/** Defaults: transposeB false, shift 0, graded output of outBits. */
export function createDynamicMatmul(o: {
  id: string;
  a: string;
  b: string;
  m: number;
  k: number;
  n: number;
  transposeB?: boolean;
  shift?: number;
  outBits: number;
}): DynamicMatmul {
  const { id, a, b, m, k, n, outBits } = o;
  const output = gradedEvent(outBits);
  return { id, a, b, m, k, n, transposeB: o.transposeB ?? false, shift: o.shift ?? 0, outBits, output };
}

/** Default scaleExp 0 (the integer value is the reading). */
export function createOutput(id: string, src: string, scaleExp = 0): OutputPort {
  return { id, src, scaleExp };
}
