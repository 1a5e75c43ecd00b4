// Dense real linear algebra on row-major Float64Array matrices: product, LU solve, matrix exponential.
// Used by the LMU discretisation (lmu.ts here, which the compiler and the float reference share); typed arrays because mathjs' expm takes
// seconds at d = 256 (the LMUFormer size) and most of a minute at d = 512.

/** C = A·B for A [n, k] and B [k, m] (row-major): four rows of C per pass so each row of B is loaded once. */
export function matmul(a: Float64Array, b: Float64Array, n: number, k: number, m: number): Float64Array {
  const c = new Float64Array(n * m);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const c0 = i * m;
    const c1 = c0 + m;
    const c2 = c1 + m;
    const c3 = c2 + m;
    for (let p = 0; p < k; p++) {
      const a0 = a[i * k + p]!;
      const a1 = a[(i + 1) * k + p]!;
      const a2 = a[(i + 2) * k + p]!;
      const a3 = a[(i + 3) * k + p]!;
      const bp = p * m;
      for (let j = 0; j < m; j++) {
        const bv = b[bp + j]!;
        c[c0 + j]! += a0 * bv;
        c[c1 + j]! += a1 * bv;
        c[c2 + j]! += a2 * bv;
        c[c3 + j]! += a3 * bv;
      }
    }
  }
  for (; i < n; i++) {
    const ci = i * m;
    for (let p = 0; p < k; p++) {
      const aip = a[i * k + p]!;
      const bp = p * m;
      for (let j = 0; j < m; j++) c[ci + j]! += aip * b[bp + j]!;
    }
  }
  return c;
}

export function identity(n: number): Float64Array {
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) m[i * n + i] = 1;
  return m;
}

/** Solves A·X = B for X (A [n, n], B [n, m]) by LU with partial pivoting; throws when A is singular. */
export function solve(a: Float64Array, b: Float64Array, n: number, m: number): Float64Array {
  const lu = Float64Array.from(a);
  const x = Float64Array.from(b);
  for (let col = 0; col < n; col++) {
    let piv = col;
    let best = Math.abs(lu[col * n + col]!);
    for (let r = col + 1; r < n; r++) {
      const v = Math.abs(lu[r * n + col]!);
      if (v > best) {
        best = v;
        piv = r;
      }
    }
    if (best === 0) throw new Error(`solve: the ${n}×${n} matrix is singular (column ${col})`);
    if (piv !== col) {
      swapRows(lu, piv, col, n);
      swapRows(x, piv, col, m);
    }
    const d = lu[col * n + col]!;
    for (let r = col + 1; r < n; r++) {
      const f = lu[r * n + col]! / d;
      if (f === 0) continue;
      for (let j = col; j < n; j++) lu[r * n + j]! -= f * lu[col * n + j]!;
      for (let j = 0; j < m; j++) x[r * m + j]! -= f * x[col * m + j]!;
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    const d = lu[r * n + r]!;
    for (let j = 0; j < m; j++) {
      let s = x[r * m + j]!;
      for (let c = r + 1; c < n; c++) s -= lu[r * n + c]! * x[c * m + j]!;
      x[r * m + j] = s / d;
    }
  }
  return x;
}

function swapRows(a: Float64Array, i: number, j: number, width: number): void {
  for (let c = 0; c < width; c++) {
    const t = a[i * width + c]!;
    a[i * width + c] = a[j * width + c]!;
    a[j * width + c] = t;
  }
}

function norm1(a: Float64Array, n: number): number {
  let best = 0;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.abs(a[i * n + j]!);
    best = Math.max(best, s);
  }
  return best;
}

/** Padé-13 coefficients b_0..b_13 (Higham 2005, "The scaling and squaring method for the matrix exponential"). */
const PADE13 = [
  64764752532480000, 32382376266240000, 7771770303897600, 1187353796428800, 129060195264000, 10559470521600,
  670442572800, 33522128640, 1323241920, 40840800, 960960, 16380, 182, 1,
];
/** Largest 1-norm for which Padé-13 alone reaches double precision (Higham's θ_13). */
const THETA13 = 5.371920351148152;

/** e^A for A [n, n]: scaling and squaring with the [13/13] Padé approximant (as scipy.linalg.expm). */
export function expm(a: Float64Array, n: number): Float64Array {
  const nrm = norm1(a, n);
  const s = nrm > THETA13 ? Math.max(0, Math.ceil(Math.log2(nrm / THETA13))) : 0;
  const scale = 2 ** -s;
  const x = a.map((v) => v * scale);
  const x2 = matmul(x, x, n, n, n);
  const x4 = matmul(x2, x2, n, n, n);
  const x6 = matmul(x4, x2, n, n, n);
  const b = PADE13;
  const len = n * n;
  const inner = new Float64Array(len); // b13·X6 + b11·X4 + b9·X2, then multiplied by X6
  const innerV = new Float64Array(len); // b12·X6 + b10·X4 + b8·X2
  for (let i = 0; i < len; i++) {
    inner[i] = b[13]! * x6[i]! + b[11]! * x4[i]! + b[9]! * x2[i]!;
    innerV[i] = b[12]! * x6[i]! + b[10]! * x4[i]! + b[8]! * x2[i]!;
  }
  const u0 = matmul(x6, inner, n, n, n);
  const v = matmul(x6, innerV, n, n, n);
  for (let i = 0; i < len; i++) {
    u0[i]! += b[7]! * x6[i]! + b[5]! * x4[i]! + b[3]! * x2[i]!;
    v[i]! += b[6]! * x6[i]! + b[4]! * x4[i]! + b[2]! * x2[i]!;
  }
  for (let i = 0; i < n; i++) {
    u0[i * n + i]! += b[1]!;
    v[i * n + i]! += b[0]!;
  }
  const u = matmul(x, u0, n, n, n);
  const num = new Float64Array(len);
  const den = new Float64Array(len);
  for (let i = 0; i < len; i++) {
    num[i] = v[i]! + u[i]!;
    den[i] = v[i]! - u[i]!;
  }
  let r = solve(den, num, n, n);
  for (let i = 0; i < s; i++) r = matmul(r, r, n, n, n);
  return r;
}
