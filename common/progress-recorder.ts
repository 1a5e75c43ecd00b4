// A Progress that records every call, for tests of what the compiler and the mapper report.

import type { Progress } from "./progress.js";

export interface RecordedStage {
  name: string;
  total?: number;
  unit?: string;
  ticks: number[];
}

export function recordingProgress(): Progress & { stages: RecordedStage[]; finished: number } {
  const stages: RecordedStage[] = [];
  const rec = {
    stages,
    finished: 0,
    stage(name: string, total?: number, unit?: string) {
      stages.push({ name, ...(total === undefined ? {} : { total }), ...(unit ? { unit } : {}), ticks: [] });
    },
    tick(done: number) {
      stages.at(-1)?.ticks.push(done);
    },
    done() {
      rec.finished++;
    },
  };
  return rec;
}
