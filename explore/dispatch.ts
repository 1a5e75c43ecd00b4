// Feeding a pool's threads: points are prepared (compiled, mapped) here a few at a time and their simulation
// jobs handed out biggest first, so the cheap ones are left for the end of the sweep, where a big last job
// would keep one thread working while the others wait (longest-processing-time-first scheduling). Only the
// order of the work changes; every job's result is the same whoever runs it, whenever.

/** Runs jobs on `run` with at most `running` in flight, biggest `cost` first among those ready. */
export class Dispatcher<J, R> {
  private inFlight = 0;
  private readonly ready: { job: J; cost: number; done: (r: Promise<R>) => void }[] = [];

  constructor(
    private readonly run: (job: J) => Promise<R>,
    private readonly running: number,
  ) {}

  /** Queues `job`; the promise settles with its result. */
  submit(job: J, cost: number): Promise<R> {
    return new Promise<R>((resolve) => {
      this.ready.push({ job, cost, done: resolve });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.running && this.ready.length > 0) {
      let best = 0;
      // strictly bigger wins: equal costs keep submission order
      for (let i = 1; i < this.ready.length; i++) if (this.ready[i]!.cost > this.ready[best]!.cost) best = i;
      const [next] = this.ready.splice(best, 1);
      this.inFlight++;
      const result = this.run(next!.job);
      next!.done(result);
      const settle = () => {
        this.inFlight--;
        this.pump();
      };
      result.then(settle, settle);
    }
  }
}

/** A counting gate: `acquire` resolves when fewer than `limit` holders remain; `release` lets the next in. */
export class Gate {
  private held = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  /** Taken at once when free (counted before the caller's next await), else handed over on a release. */
  acquire(): Promise<void> {
    if (this.held < this.limit) {
      this.held++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.held--;
  }
}
