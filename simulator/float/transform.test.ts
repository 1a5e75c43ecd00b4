// Fixed transforms (DFT parts, Haar) and the diagonal SSM: orthonormality, the DFT against a direct sum,
// pywt's Haar layout, and the S4D recurrence against hand values and its convolution-kernel form.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  chain,
  createDiagonalSsm,
  createFixedTransform,
  createGraph,
  createInput,
  createOutput,
  ndarray,
} from "../../compiler/graph/index.js";
import { dftMatrix, haarMatrix, matmul, runFloat } from "./index.js";

const transpose = (m: Float64Array, n: number) =>
  Float64Array.from({ length: n * n }, (_, i) => m[(i % n) * n + Math.floor(i / n)]!);

function expectIdentity(m: Float64Array, n: number, tol: number) {
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) expect(Math.abs(m[i * n + j]! - (i === j ? 1 : 0))).toBeLessThan(tol);
}

describe("basis matrices", () => {
  it("Haar is orthonormal for every level count, with pywt.wavedec's row order [a_L, d_L, …, d_1]", () => {
    for (const [n, levels] of [
      [2, 1],
      [8, 1],
      [8, 3],
      [12, 2],
      [64, 6],
    ] as const) {
      const h = haarMatrix(n, levels);
      expectIdentity(matmul(h, transpose(h, n), n, n, n), n, 1e-14);
    }
    const s = Math.SQRT1_2;
    const h4 = Array.from(haarMatrix(4, 2));
    const want = [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, -0.5, -0.5, s, -s, 0, 0, 0, 0, s, -s];
    h4.forEach((v, i) => {
      expect(v).toBeCloseTo(want[i]!, 15);
    });
    expect(() => haarMatrix(6, 2)).toThrow(/not divisible/);
  });

  it("the ortho DFT is unitary: Re·Reᵀ + Im·Imᵀ = I and Re·Imᵀ − Im·Reᵀ = 0", () => {
    for (const n of [1, 2, 5, 16, 49]) {
      const re = dftMatrix(n, "real", "ortho");
      const im = dftMatrix(n, "imag", "ortho");
      const a = matmul(re, transpose(re, n), n, n, n);
      const b = matmul(im, transpose(im, n), n, n, n);
      expectIdentity(
        a.map((v, i) => v + b[i]!),
        n,
        1e-13,
      );
      const c = matmul(re, transpose(im, n), n, n, n);
      const d = matmul(im, transpose(re, n), n, n, n);
      c.forEach((v, i) => {
        expect(Math.abs(v - d[i]!)).toBeLessThan(1e-13);
      });
    }
  });

  it("FixedTransform dft-real/dft-imag along either axis equal a direct DFT sum", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 15, maxLength: 15 }),
        fc.constantFrom(0, 1, -1),
        (xs, axis) => {
          const shape = [3, 5];
          const ax = axis < 0 ? axis + 2 : axis;
          const n = shape[ax]!;
          const run = (basis: "dft-real" | "dft-imag") => {
            const g = createGraph();
            chain(g, [
              ["x", createInput(shape)],
              ["f", createFixedTransform(basis, axis)],
              ["y", createOutput()],
            ]);
            return runFloat(g, { x: { shape: [1, ...shape], data: xs } }, { dt: 1 }).outputs.get("y")![0]!;
          };
          const re = run("dft-real");
          const im = run("dft-imag");
          for (let i = 0; i < 3; i++) {
            for (let j = 0; j < 5; j++) {
              const k = ax === 0 ? i : j;
              let sr = 0;
              let si = 0;
              for (let m = 0; m < n; m++) {
                const v = xs[ax === 0 ? m * 5 + j : i * 5 + m]!;
                sr += v * Math.cos((2 * Math.PI * k * m) / n);
                si -= v * Math.sin((2 * Math.PI * k * m) / n);
              }
              expect(Math.abs(re[i * 5 + j]! - sr)).toBeLessThan(1e-12);
              expect(Math.abs(im[i * 5 + j]! - si)).toBeLessThan(1e-12);
            }
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe("DiagonalSsm (S4D recurrence)", () => {
  const oneMode = (disc: "zoh" | "bilinear", lambdaIm = 0) => {
    const g = createGraph();
    const one = (v: number) => ndarray([1, 1], [v]);
    chain(g, [
      ["u", createInput([1])],
      [
        "s",
        createDiagonalSsm({
          lambdaRe: one(-1),
          lambdaIm: one(lambdaIm),
          bRe: one(1),
          bIm: one(0),
          cRe: one(1),
          cIm: one(0),
          d: ndarray([1], [0.5]),
          logStep: ndarray([1], [0]),
          discretization: disc,
        }),
      ],
      ["y", createOutput()],
    ]);
    return runFloat(g, { u: { shape: [3, 1], data: [1, 0, 0] } }, { dt: 1 })
      .outputs.get("y")!
      .map((o) => o[0]!);
  };

  it("a real mode λ = −1, Δ = 1 by hand: bilinear λ̄ = 1/3, B̄ = 2/3; ZOH λ̄ = e⁻¹, B̄ = 1 − e⁻¹", () => {
    const bil = oneMode("bilinear");
    [2 * (2 / 3) + 0.5, 2 * (2 / 9), 2 * (2 / 27)].forEach((v, i) => {
      expect(bil[i]).toBeCloseTo(v, 15);
    });
    const e = Math.exp(-1);
    const zoh = oneMode("zoh");
    [2 * (1 - e) + 0.5, 2 * (1 - e) * e, 2 * (1 - e) * e * e].forEach((v, i) => {
      expect(zoh[i]).toBeCloseTo(v, 15);
    });
  });

  it("the recurrence equals y = K * u + D·u with K_t = 2·Re(Σ_n C·λ̄^t·B̄) (2 channels × 3 complex modes)", () => {
    const h = 2;
    const modes = 3;
    const lr = [-0.5, -0.2, -1.3, -0.4, -0.05, -2];
    const li = [0.3, 2.1, -1, 0, 4, 0.7];
    const br = [1, -0.5, 0.3, 0.2, 1.1, -1];
    const bi = [0.1, 0.4, -0.2, 0.9, 0, 0.5];
    const cr = [0.7, -0.3, 1, 0.25, -0.6, 0.4];
    const ci = [-0.2, 0.5, 0.1, 0.3, 0.8, -0.9];
    const d = [0.3, -1];
    const logStep = [Math.log(0.1), Math.log(0.03)];
    for (const disc of ["zoh", "bilinear"] as const) {
      const g = createGraph();
      const p = (v: number[]) => ndarray([h, modes], v);
      chain(g, [
        ["u", createInput([h])],
        [
          "s",
          createDiagonalSsm({
            lambdaRe: p(lr),
            lambdaIm: p(li),
            bRe: p(br),
            bIm: p(bi),
            cRe: p(cr),
            cIm: p(ci),
            d: ndarray([h], d),
            logStep: ndarray([h], logStep),
            discretization: disc,
          }),
        ],
        ["y", createOutput()],
      ]);
      const steps = 40;
      const u = Array.from({ length: steps * h }, (_, i) => Math.sin(i * 0.7) + ((i * 13) % 5) / 5);
      const y = runFloat(g, { u: { shape: [steps, h], data: u } }, { dt: 1 }).outputs.get("y")!;
      for (let c = 0; c < h; c++) {
        // kernel from complex arithmetic written independently of the implementation
        const kernel = new Array<number>(steps).fill(0);
        for (let n = 0; n < modes; n++) {
          const i = c * modes + n;
          const dl = Math.exp(logStep[c]!);
          const [zr, zi] = [lr[i]! * dl, li[i]! * dl];
          let ar: number;
          let ai: number;
          let fr: number;
          let fi: number;
          if (disc === "zoh") {
            [ar, ai] = [Math.exp(zr) * Math.cos(zi), Math.exp(zr) * Math.sin(zi)];
            const den = lr[i]! ** 2 + li[i]! ** 2;
            [fr, fi] = [((ar - 1) * lr[i]! + ai * li[i]!) / den, (ai * lr[i]! - (ar - 1) * li[i]!) / den];
          } else {
            const [dr, di] = [1 - zr / 2, -zi / 2];
            const den = dr * dr + di * di;
            [ar, ai] = [((1 + zr / 2) * dr + (zi / 2) * di) / den, ((zi / 2) * dr - (1 + zr / 2) * di) / den];
            [fr, fi] = [(dl * dr) / den, (-dl * di) / den];
          }
          let [pr, pi] = [fr * br[i]! - fi * bi[i]!, fr * bi[i]! + fi * br[i]!];
          for (let t = 0; t < steps; t++) {
            kernel[t]! += 2 * (cr[i]! * pr - ci[i]! * pi);
            [pr, pi] = [ar * pr - ai * pi, ar * pi + ai * pr];
          }
        }
        for (let t = 0; t < steps; t++) {
          let want = d[c]! * u[t * h + c]!;
          for (let k = 0; k <= t; k++) want += kernel[k]! * u[(t - k) * h + c]!;
          expect(Math.abs(y[t]![c]! - want)).toBeLessThan(1e-12);
        }
      }
    }
  });
});
