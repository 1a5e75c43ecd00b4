// Invalid-but-well-formed NMIR modules for tests: each breaks one invariant (or one size budget) of the
// example module and still encodes, so a .nmir file of it passes the CRC and must be refused by verify.

import { createOneToOne } from "./connectivity.js";
import { exampleNmir } from "./example.js";
import { createInput, createModule, createOutput, createPopulation, createProjection } from "./factories.js";
import { createLif } from "./neuron-factories.js";
import type { NmirModule } from "./types.js";

type Mutation = (m: NmirModule) => void;

/** The example's conv2d connectivity, writable field by field (tests break its fields on purpose). */
const conv = (m: NmirModule) => m.projections[0]!.connectivity as unknown as Record<string, unknown>;

/** One invariant broken per entry, by name; every module still encodes. */
export const BROKEN_NMIR: Record<string, Mutation> = {
  "missing population": (m) => {
    m.projections[2]!.dst = "nowhere";
  },
  "missing source": (m) => {
    m.projections[2]!.src = "nowhere";
  },
  "short weights": (m) => {
    m.projections[2]!.connectivity.weights = new Int32Array(5);
  },
  "groups 0": (m) => {
    conv(m).groups = 0;
  },
  "stride 0": (m) => {
    conv(m).stride = [0, 0];
  },
  "duplicate ids": (m) => {
    m.populations[1]!.id = "l1";
  },
  "weight bits 0": (m) => {
    m.projections[2]!.weightBits = 0;
  },
  "huge conv inShape": (m) => {
    conv(m).inShape = [1, 100_000, 100_000];
  },
  "population of 2^32 − 1 neurons": (m) => {
    m.populations[1]!.shape = [2 ** 32 - 1];
  },
  "delay 2^32 − 1": (m) => {
    m.projections[1]!.delay = 2 ** 32 - 1;
  },
  "dangling output": (m) => {
    m.outputs[0]!.src = "nowhere";
  },
  "unconnected port": (m) => {
    m.projections.splice(2, 1);
  },
};

/** Every BROKEN_NMIR entry applied to a fresh example module. */
export function brokenModules(): [string, NmirModule][] {
  return Object.entries(BROKEN_NMIR).map(([name, mutate]) => {
    const m = exampleNmir();
    mutate(m);
    return [name, m];
  });
}

/**
 * A structurally consistent module of `n` neurons: input [n] → one-to-one (one broadcast weight) → lif [n].
 * A few bytes on disk for any n, so only a size budget can stop it.
 */
export function wideModule(n: number): NmirModule {
  return createModule({
    name: "wide",
    stage: "quantized",
    inputs: [createInput("in", [n])],
    populations: [createPopulation({ id: "l", shape: [n], model: createLif({ dv: 0, vth: 10, vBits: 16 }) })],
    projections: [
      createProjection({
        id: "p",
        src: "in",
        dst: "l",
        connectivity: createOneToOne({ size: n, weights: Int32Array.of(1) }),
        weightBits: 8,
      }),
    ],
    outputs: [createOutput("out", "l", 0)],
  });
}

/** A module without populations: its output reads its input directly. */
export function emptyModule(): NmirModule {
  return createModule({
    name: "empty",
    stage: "quantized",
    inputs: [createInput("in", [4])],
    outputs: [createOutput("out", "in", 0)],
  });
}

/**
 * `depth` populations of `size` neurons chained by delay-0 one-to-one projections (deep graphs must not
 * overflow the stack).
 */
export function chainModule(depth: number, size = 4): NmirModule {
  const m = wideModule(size);
  m.name = "chain";
  for (let i = 1; i < depth; i++) {
    m.populations.push(
      createPopulation({ id: `l${i}`, shape: [size], model: createLif({ dv: 0, vth: 10, vBits: 16 }) }),
    );
    m.projections.push(
      createProjection({
        id: `p${i}`,
        src: i === 1 ? "l" : `l${i - 1}`,
        dst: `l${i}`,
        connectivity: createOneToOne({ size, weights: Int32Array.of(1) }),
        weightBits: 8,
      }),
    );
  }
  return m;
}
