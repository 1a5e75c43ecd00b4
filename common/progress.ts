// Progress of long library work (compile passes, lowering nodes, mapping phases): callers that pass nothing get
// `noProgress`, so the library prints nothing and the hot loops pay one no-op call per item at most.

export interface Progress {
  /** A new stage began; `total` items (e.g. nodes) when known, counted in `unit` (default "node"). */
  stage(name: string, total?: number, unit?: string): void;
  /** `done` items of the current stage are finished. */
  tick(done: number): void;
  /** The work is over (a renderer clears its line). */
  done(): void;
}

export const noProgress: Progress = { stage() {}, tick() {}, done() {} };
