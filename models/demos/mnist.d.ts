// Types for the `mnist` package (10,000 digits as JSON, no bundled types). Only the deterministic parts are
// declared: the per-digit raw pixel arrays. Its `set()`/`get()` helpers shuffle with Math.random.
declare module "mnist" {
  export interface MnistDigit {
    id: number;
    /** Number of samples of this digit. */
    length: number;
    /** All samples of this digit, 784 values in [0, 1] each, row-major 28 × 28. */
    raw: number[];
  }
  const digits: MnistDigit[];
  export default digits;
}
