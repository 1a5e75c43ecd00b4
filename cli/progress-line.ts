// The CLI's progress renderer: one updating stderr line ("compile: lowerToNmir node 812/3,104 · 14 s · ETA
// 41 s"), shown only on a terminal and only once the work has lasted `delayMs`; short runs and piped output
// see nothing at all. Work is synchronous, so the line is redrawn from the Progress calls (rate-limited).

import { noProgress, type Progress } from "../common/progress.js";

export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

export interface ProgressLineOptions {
  /** Milliseconds (default performance.now). */
  now?: () => number;
  /** Nothing is drawn before the work has lasted this long (default 2000 ms). */
  delayMs?: number;
  /** At most one redraw per this many milliseconds (default 200). */
  intervalMs?: number;
}

/** Made on the first line drawn: an Intl formatter costs tens of ms to create, and most runs draw no line. */
let thousandsFormat: Intl.NumberFormat | undefined;
const thousands = {
  format: (n: number) => {
    thousandsFormat ??= new Intl.NumberFormat("en-US");
    return thousandsFormat.format(n);
  },
};

function seconds(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** The line's text: label, stage, i/N in the stage's unit, time so far, and the stage's ETA from its rate. */
export function progressText(
  label: string,
  s: { name: string; total?: number; unit: string; done: number; stageMs: number },
  elapsedMs: number,
): string {
  const parts = [`${label}: ${s.name}`];
  if (s.total !== undefined)
    parts[0] += ` ${s.unit} ${thousands.format(s.done)}/${thousands.format(s.total)}`;
  parts.push(seconds(elapsedMs));
  if (s.total !== undefined && s.done > 0 && s.done < s.total)
    parts.push(`ETA ${seconds((s.stageMs / s.done) * (s.total - s.done))}`);
  return parts.join(" · ");
}

/** A Progress that draws on `stream` when it is a terminal, else `noProgress`. The clock starts now. */
export function progressLine(
  label: string,
  stream: ProgressStream,
  options: ProgressLineOptions = {},
): Progress {
  if (!stream.isTTY) return noProgress;
  const now = options.now ?? (() => performance.now());
  const delay = options.delayMs ?? 2000;
  const interval = options.intervalMs ?? 200;
  const t0 = now();
  let lastDraw = -Infinity;
  let drawn = false;
  const cur = { name: "", total: undefined as number | undefined, unit: "node", done: 0, start: t0 };
  const draw = (force: boolean) => {
    const t = now();
    if (t - t0 < delay || (!force && t - lastDraw < interval)) return;
    lastDraw = t;
    drawn = true;
    const text = progressText(label, { ...cur, stageMs: t - cur.start }, t - t0);
    // carriage return + erase to the end of the line: the line is rewritten in place
    stream.write(`\r${text}\x1b[K`);
  };
  return {
    stage(name, total, unit = "node") {
      Object.assign(cur, { name, total, unit, done: 0, start: now() });
      draw(true);
    },
    tick(done) {
      cur.done = done;
      draw(false);
    },
    done() {
      if (drawn) stream.write("\r\x1b[K");
      drawn = false;
    },
  };
}
