// LMU memory: ZOH matrices against seed-models.md §1.3 reference values, the typed-array expm/solve/eigenvalue
// helpers against mathjs and known spectra, and the recurrent memory against its causal-convolution form.

import fc from "fast-check";
import * as math from "mathjs";
import { describe, expect, it } from "vitest";
import {
  chain,
  createGraph,
  createInput,
  createLmuMemory,
  createOutput,
} from "../../compiler/graph/index.js";
import {
  eigenvalues,
  expm,
  lmuImpulseResponse,
  lmuMatrices,
  matmul,
  runFloat,
  solve,
  spectralRadius,
} from "./index.js";

/** Deterministic uniform(−1, 1) numbers (mulberry32) so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  };
}

const close = (got: ArrayLike<number>, want: number[], tol: number) => {
  expect(got.length).toBe(want.length);
  want.forEach((w, i) => {
    expect(Math.abs(got[i]! - w), `element ${i}: ${got[i]} vs ${w}`).toBeLessThanOrEqual(tol);
  });
};

describe("lmuMatrices (ZOH, as scipy.signal.cont2discrete)", () => {
  it("d = 4, θ = 4 matches the reference A, B, Ā, B̄", () => {
    const { A, B, Abar, Bbar } = lmuMatrices(4, 4);
    close(
      A.map((v) => v * 4),
      [-1, -1, -1, -1, 3, -3, -3, -3, -5, 5, -5, -5, 7, -7, 7, -7],
      1e-15,
    );
    close(
      B.map((v) => v * 4),
      [1, -3, 5, -7],
      1e-15,
    );
    close(
      Abar,
      [
        0.75513, -0.19139, -0.09352, -0.002614, 0.57417, 0.27448, -0.393825, -0.046802, -0.467599, 0.656375,
        -0.146317, -0.260945, 0.0183, -0.109205, 0.365323, 0.005422,
      ],
      1e-5,
    );
    close(Bbar, [0.24487, -0.57417, 0.467599, -0.0183], 1e-5);
  });

  it("d = 256, θ = 128 (LMUFormer) matches B̄[:4], Ā[0,:3] and max|eig(Ā)|", () => {
    const { Abar, Bbar } = lmuMatrices(256, 128);
    close(Bbar.slice(0, 4), [0.007811, -0.023258, 0.038145, -0.052167], 1e-6);
    close(Abar.slice(0, 3), [0.992189, -0.007753, -0.007629], 1e-6);
    // Ā is strongly non-normal, so its eigenvalues are ill-conditioned: LAPACK (numpy) gives 0.8610922,
    // the reference (scipy, rounded) 0.861093.
    expect(Math.abs(spectralRadius(Abar, 256) - 0.861093)).toBeLessThan(2e-6);
  });

  it("Ā agrees with mathjs.expm and B̄ with mathjs.lusolve (d = 12)", () => {
    const d = 12;
    const { A, B, Abar, Bbar } = lmuMatrices(d, 5, 2);
    const rows = (m: Float64Array) =>
      Array.from({ length: d }, (_, i) => Array.from(m.subarray(i * d, i * d + d)));
    const ref = math.expm(math.matrix(rows(A.map((v) => v * 2)))).toArray() as number[][];
    close(Abar, ref.flat(), 1e-12);
    const rhs = math.subtract(math.matrix(ref), math.identity(d)) as math.Matrix;
    const bRef = math.lusolve(
      math.matrix(rows(A)),
      math.multiply(rhs, math.matrix(Array.from(B, (b) => [b]))) as math.Matrix,
    );
    close(Bbar, (bRef.valueOf() as number[][]).flat(), 1e-12);
  });
});

describe("typed-array linear algebra", () => {
  it("expm matches mathjs on random matrices of several norms", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.integer(),
        fc.double({ min: 0.01, max: 30, noNaN: true }),
        (n, seed, scale) => {
          const r = rng(seed);
          const a = Float64Array.from({ length: n * n }, () => r() * scale);
          const rows = Array.from({ length: n }, (_, i) => Array.from(a.subarray(i * n, i * n + n)));
          const ref = (math.expm(math.matrix(rows)).toArray() as number[][]).flat();
          const got = expm(a, n);
          const big = ref.reduce((m, v) => Math.max(m, Math.abs(v)), 1);
          ref.forEach((v, i) => {
            expect(Math.abs(got[i]! - v) / big).toBeLessThan(1e-9);
          });
        },
      ),
      { numRuns: 60 },
    );
  });

  it("solve inverts matmul", () => {
    const r = rng(7);
    const n = 9;
    const a = Float64Array.from({ length: n * n }, () => r());
    const x = Float64Array.from({ length: n * 3 }, () => r());
    close(solve(a, matmul(a, x, n, n, 3), n, 3), Array.from(x), 1e-12);
  });

  it("eigenvalues of S·D·S⁻¹ are D's (real and complex pairs)", () => {
    // D block-diagonal: 3, −0.5, and the pair 0.2 ± 0.9i as a 2×2 rotation-scaling block
    const n = 4;
    const dmat = Float64Array.from([3, 0, 0, 0, 0, -0.5, 0, 0, 0, 0, 0.2, 0.9, 0, 0, -0.9, 0.2]);
    const r = rng(3);
    const s = Float64Array.from({ length: n * n }, () => r());
    const a = matmul(
      matmul(s, dmat, n, n, n),
      solve(s, Float64Array.from([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]), n, n),
      n,
      n,
      n,
    );
    const { re, im } = eigenvalues(a, n);
    const got = Array.from(re, (x, i) => [x, im[i]!] as const).sort((p, q) => p[0] - q[0] || p[1] - q[1]);
    const want = [
      [-0.5, 0],
      [0.2, -0.9],
      [0.2, 0.9],
      [3, 0],
    ];
    got.forEach(([x, y], i) => {
      expect(x).toBeCloseTo(want[i]![0]!, 10);
      expect(y).toBeCloseTo(want[i]![1]!, 10);
    });
  });
});

describe("the LmuMemory node", () => {
  it("the recurrent memory over 128 steps equals the causal convolution with H[:, t] = Ā^t B̄ (d = 256, θ = 128)", () => {
    const d = 256;
    const u = 2;
    const steps = 128;
    const g = createGraph();
    chain(g, [
      ["x", createInput([u])],
      ["lmu", createLmuMemory(d, 128)],
      ["y", createOutput([u * d])],
    ]);
    const r = rng(11);
    const x = Float64Array.from({ length: steps * u }, () => r());
    const res = runFloat(g, { x: { shape: [steps, u], data: x } }, { dt: 1 });
    const h = lmuImpulseResponse(d, 128, steps);
    let worst = 0;
    for (const t of [0, 1, 17, 64, 127]) {
      const m = res.outputs.get("y")![t]!;
      for (let c = 0; c < u; c++) {
        for (let i = 0; i < d; i++) {
          let conv = 0;
          for (let k = 0; k <= t; k++) conv += h[i * steps + k]! * x[(t - k) * u + c]!;
          worst = Math.max(worst, Math.abs(m[c * d + i]! - conv));
        }
      }
    }
    expect(worst).toBeLessThan(1e-5);
    expect(worst).toBeLessThan(1e-12);
  });

  it("impulse response column 0 is B̄ and column 1 is Ā·B̄", () => {
    const { Abar, Bbar } = lmuMatrices(4, 4);
    const h = lmuImpulseResponse(4, 4, 3);
    const ab = matmul(Abar, Bbar, 4, 4, 1);
    for (let i = 0; i < 4; i++) {
      expect(h[i * 3]).toBe(Bbar[i]);
      expect(h[i * 3 + 1]).toBeCloseTo(ab[i]!, 15);
    }
  });
});
