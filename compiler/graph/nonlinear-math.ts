// Scalar nonlinear functions shared by the float reference and the compiler's lowerings (which tabulate them):
// erf by W. J. Cody's rational Chebyshev approximations (netlib specfun/erf, 1987), accurate to ~1e-16; exact
// GELU; the ternary weights of the GSU's ternary gated mixing.

// Cody's coefficients (netlib specfun/erf), written as the shortest decimals of the same doubles.
const P0 = [
  3.1611237438705655, 113.86415415105016, 377.485237685302, 3209.3775891384694, 0.18577770618460315,
];
const Q0 = [23.601290952344122, 244.02463793444417, 1282.6165260773723, 2844.236833439171];
const P1 = [
  0.5641884969886701, 8.883149794388377, 66.11919063714163, 298.6351381974001, 881.952221241769,
  1712.0476126340707, 2051.0783778260716, 1230.3393547979972, 2.1531153547440383e-8,
];
const Q1 = [
  15.744926110709835, 117.6939508913125, 537.1811018620099, 1621.3895745666903, 3290.7992357334597,
  4362.619090143247, 3439.3676741437216, 1230.3393548037495,
];
const P2 = [
  0.30532663496123236, 0.36034489994980445, 0.12578172611122926, 0.016083785148742275, 0.0006587491615298378,
  0.016315387137302097,
];
const Q2 = [
  2.568520192289822, 1.8729528499234604, 0.5279051029514285, 0.06051834131244132, 0.0023352049762686918,
];
const SQRPI = 0.5641895835477563; // 1/√π

/** e^{−y²} computed as e^{−ŷ²}·e^{−(y−ŷ)(y+ŷ)} with ŷ = y rounded down to 1/16, as Cody does, to keep accuracy. */
function expNegSquare(y: number): number {
  const ysq = Math.trunc(y * 16) / 16;
  const del = (y - ysq) * (y + ysq);
  return Math.exp(-ysq * ysq) * Math.exp(-del);
}

/** The error function erf(x). */
export function erf(x: number): number {
  const y = Math.abs(x);
  let r: number;
  if (y <= 0.46875) {
    const z = y * y;
    let num = P0[4]! * z;
    let den = z;
    for (let i = 0; i < 3; i++) {
      num = (num + P0[i]!) * z;
      den = (den + Q0[i]!) * z;
    }
    return (x * (num + P0[3]!)) / (den + Q0[3]!);
  }
  if (y <= 4) {
    let num = P1[8]! * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + P1[i]!) * y;
      den = (den + Q1[i]!) * y;
    }
    r = 1 - expNegSquare(y) * ((num + P1[7]!) / (den + Q1[7]!));
  } else if (y < 6) {
    const z = 1 / (y * y);
    let num = P2[5]! * z;
    let den = z;
    for (let i = 0; i < 4; i++) {
      num = (num + P2[i]!) * z;
      den = (den + Q2[i]!) * z;
    }
    const tail = (SQRPI - (z * (num + P2[4]!)) / (den + Q2[4]!)) / y;
    r = 1 - expNegSquare(y) * tail;
  } else {
    r = 1; // erfc(6) ≈ 2e-17: below double resolution around 1
  }
  return x < 0 ? -r : r;
}

/** GELU, exact form: x·Φ(x) = x/2·(1 + erf(x/√2)) (PyTorch's default `approximate="none"`). */
export function gelu(x: number): number {
  return 0.5 * x * (1 + erf(x * Math.SQRT1_2));
}

/** snntorch fast_sigmoid forward on a − δ and −a − δ: +1, −1 or 0 (ties with the threshold give 0). */
export function ternary(a: number, delta: number): number {
  return (a - delta > 0 ? 1 : 0) - (-a - delta > 0 ? 1 : 0);
}

/** The ternary weights T = H(W − δ) − H(−W − δ), δ = ratio·max|W| (s4_gsu.py `gsu_spike`). */
export function ternaryWeights(w: ArrayLike<number>, ratio: number): Float64Array {
  let max = 0;
  for (let i = 0; i < w.length; i++) max = Math.max(max, Math.abs(w[i]!));
  const out = new Float64Array(w.length);
  for (let i = 0; i < w.length; i++) out[i] = ternary(w[i]!, ratio * max);
  return out;
}
