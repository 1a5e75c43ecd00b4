// Eigenvalues of a real square matrix: Householder reduction to Hessenberg form, then Francis double-shift QR
// (EISPACK orthes/hqr as in JAMA). Used to check discretised state matrices (LMU Ā, SSMs) for stability.

/** Eigenvalues (re, im) of A [n, n] row-major; complex pairs appear as conjugates. */
export function eigenvalues(a: Float64Array, n: number): { re: Float64Array; im: Float64Array } {
  const h: Float64Array[] = Array.from({ length: n }, (_, i) =>
    Float64Array.from(a.subarray(i * n, i * n + n)),
  );
  hessenberg(h, n);
  return hqr(h, n);
}

/** Spectral radius max |λ|. */
export function spectralRadius(a: Float64Array, n: number): number {
  const { re, im } = eigenvalues(a, n);
  let best = 0;
  for (let i = 0; i < n; i++) best = Math.max(best, Math.hypot(re[i]!, im[i]!));
  return best;
}

function hessenberg(h: Float64Array[], n: number): void {
  const ort = new Float64Array(n);
  const high = n - 1;
  for (let m = 1; m <= high - 1; m++) {
    let scale = 0;
    for (let i = m; i <= high; i++) scale += Math.abs(h[i]![m - 1]!);
    if (scale === 0) continue;
    let hh = 0;
    for (let i = high; i >= m; i--) {
      ort[i] = h[i]![m - 1]! / scale;
      hh += ort[i]! * ort[i]!;
    }
    let g = Math.sqrt(hh);
    if (ort[m]! > 0) g = -g;
    hh -= ort[m]! * g;
    ort[m]! -= g;
    // H ← (I − u·uᵀ/hh)·H·(I − u·uᵀ/hh)
    for (let j = m; j < n; j++) {
      let f = 0;
      for (let i = high; i >= m; i--) f += ort[i]! * h[i]![j]!;
      f /= hh;
      for (let i = m; i <= high; i++) h[i]![j]! -= f * ort[i]!;
    }
    for (let i = 0; i <= high; i++) {
      const row = h[i]!;
      let f = 0;
      for (let j = high; j >= m; j--) f += ort[j]! * row[j]!;
      f /= hh;
      for (let j = m; j <= high; j++) row[j]! -= f * ort[j]!;
    }
    ort[m] = scale * ort[m]!;
    h[m]![m - 1] = scale * g;
  }
}

function hqr(h: Float64Array[], nn: number): { re: Float64Array; im: Float64Array } {
  const d = new Float64Array(nn);
  const e = new Float64Array(nn);
  const eps = 2 ** -52;
  let n = nn - 1;
  let exshift = 0;
  let p = 0;
  let q = 0;
  let r = 0;
  let s = 0;
  let z = 0;
  let w: number;
  let x: number;
  let y: number;
  let norm = 0;
  for (let i = 0; i < nn; i++) for (let j = Math.max(i - 1, 0); j < nn; j++) norm += Math.abs(h[i]![j]!);
  let iter = 0;
  while (n >= 0) {
    // a single small sub-diagonal element splits the matrix
    let l = n;
    while (l > 0) {
      s = Math.abs(h[l - 1]![l - 1]!) + Math.abs(h[l]![l]!);
      if (s === 0) s = norm;
      if (Math.abs(h[l]![l - 1]!) < eps * s) break;
      l--;
    }
    if (l === n) {
      d[n] = h[n]![n]! + exshift;
      e[n] = 0;
      n--;
      iter = 0;
    } else if (l === n - 1) {
      w = h[n]![n - 1]! * h[n - 1]![n]!;
      p = (h[n - 1]![n - 1]! - h[n]![n]!) / 2;
      q = p * p + w;
      z = Math.sqrt(Math.abs(q));
      x = h[n]![n]! + exshift;
      if (q >= 0) {
        z = p >= 0 ? p + z : p - z;
        d[n - 1] = x + z;
        d[n] = z !== 0 ? x - w / z : x + z;
        e[n - 1] = 0;
        e[n] = 0;
      } else {
        d[n - 1] = x + p;
        d[n] = x + p;
        e[n - 1] = z;
        e[n] = -z;
      }
      n -= 2;
      iter = 0;
    } else {
      x = h[n]![n]!;
      y = 0;
      w = 0;
      if (l < n) {
        y = h[n - 1]![n - 1]!;
        w = h[n]![n - 1]! * h[n - 1]![n]!;
      }
      if (iter === 10) {
        // Wilkinson's exceptional shift
        exshift += x;
        for (let i = 0; i <= n; i++) h[i]![i]! -= x;
        s = Math.abs(h[n]![n - 1]!) + Math.abs(h[n - 1]![n - 2]!);
        x = y = 0.75 * s;
        w = -0.4375 * s * s;
      }
      if (iter === 30) {
        // MATLAB's exceptional shift
        s = (y - x) / 2;
        s = s * s + w;
        if (s > 0) {
          s = Math.sqrt(s);
          if (y < x) s = -s;
          s = x - w / ((y - x) / 2 + s);
          for (let i = 0; i <= n; i++) h[i]![i]! -= s;
          exshift += s;
          x = y = w = 0.964;
        }
      }
      iter++;
      if (iter > 10000) throw new Error("eigenvalues: QR iteration did not converge");
      // two consecutive small sub-diagonal elements
      let m = n - 2;
      while (m >= l) {
        z = h[m]![m]!;
        r = x - z;
        s = y - z;
        p = (r * s - w) / h[m + 1]![m]! + h[m]![m + 1]!;
        q = h[m + 1]![m + 1]! - z - r - s;
        r = h[m + 2]![m + 1]!;
        s = Math.abs(p) + Math.abs(q) + Math.abs(r);
        p /= s;
        q /= s;
        r /= s;
        if (m === l) break;
        const lhs = Math.abs(h[m]![m - 1]!) * (Math.abs(q) + Math.abs(r));
        const rhs =
          eps * (Math.abs(p) * (Math.abs(h[m - 1]![m - 1]!) + Math.abs(z) + Math.abs(h[m + 1]![m + 1]!)));
        if (lhs < rhs) break;
        m--;
      }
      for (let i = m + 2; i <= n; i++) {
        h[i]![i - 2] = 0;
        if (i > m + 2) h[i]![i - 3] = 0;
      }
      // double QR step on rows l..n and columns m..n
      for (let k = m; k <= n - 1; k++) {
        const notlast = k !== n - 1;
        if (k !== m) {
          p = h[k]![k - 1]!;
          q = h[k + 1]![k - 1]!;
          r = notlast ? h[k + 2]![k - 1]! : 0;
          x = Math.abs(p) + Math.abs(q) + Math.abs(r);
          if (x === 0) continue;
          p /= x;
          q /= x;
          r /= x;
        }
        s = Math.sqrt(p * p + q * q + r * r);
        if (p < 0) s = -s;
        if (s === 0) continue;
        if (k !== m) h[k]![k - 1] = -s * x;
        else if (l !== m) h[k]![k - 1] = -h[k]![k - 1]!;
        p += s;
        x = p / s;
        y = q / s;
        z = r / s;
        q /= p;
        r /= p;
        for (let j = k; j < nn; j++) {
          p = h[k]![j]! + q * h[k + 1]![j]!;
          if (notlast) {
            p += r * h[k + 2]![j]!;
            h[k + 2]![j]! -= p * z;
          }
          h[k]![j]! -= p * x;
          h[k + 1]![j]! -= p * y;
        }
        for (let i = 0; i <= Math.min(n, k + 3); i++) {
          p = x * h[i]![k]! + y * h[i]![k + 1]!;
          if (notlast) {
            p += z * h[i]![k + 2]!;
            h[i]![k + 2]! -= p * r;
          }
          h[i]![k]! -= p;
          h[i]![k + 1]! -= p * q;
        }
      }
    }
  }
  return { re: d, im: e };
}
