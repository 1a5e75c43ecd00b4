// The somas of a direct run (direct-run.ts), in the ConventionNet's global neuron order.

/** Reset after a fire: none (also SANA-FE's `saturate`, which has no forward reset), soft (v −= threshold),
 * hard (v = reset). */
export const RESET_NONE = 0;
export const RESET_SOFT = 1;
export const RESET_HARD = 2;

/** Every neuron's soma in global order (the ConventionNet's): LIF parameters, or an input's spike train. */
export interface DirectSomas {
  isInput: Uint8Array;
  threshold: Float64Array;
  reverseThreshold: Float64Array;
  reset: Float64Array;
  bias: Float64Array;
  leakDecay: Float64Array;
  inputDecay: Float64Array;
  resetMode: Uint8Array;
  /** 1: reverse_reset_mode saturate (v floored at reverse_threshold); 0: none. */
  reverseSaturate: Uint8Array;
  /** Input neurons: the steps (0-based, ascending) their `spikes:` train has a 1 at (CSR over trainSteps). */
  trainStart: Int32Array;
  trainSteps: Int32Array;
}
