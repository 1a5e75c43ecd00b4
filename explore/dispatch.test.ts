import { describe, expect, it } from "vitest";
import { Dispatcher, Gate } from "./dispatch.js";

/** A runner whose jobs finish when the test says so. */
function manualRunner() {
  const started: string[] = [];
  const finish = new Map<string, () => void>();
  const run = (job: string) =>
    new Promise<string>((resolve) => {
      started.push(job);
      finish.set(job, () => resolve(`${job}!`));
    });
  return { started, finish, run };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("Dispatcher", () => {
  it("keeps at most `running` jobs in flight and starts the biggest ready job first", async () => {
    const r = manualRunner();
    const d = new Dispatcher(r.run, 2);
    const results = [
      d.submit("a", 1),
      d.submit("b", 1),
      d.submit("c", 3),
      d.submit("d", 5),
      d.submit("e", 3),
    ];
    expect(r.started).toEqual(["a", "b"]);
    r.finish.get("a")!();
    await tick();
    // d (5) before c and e (3, submitted in that order)
    expect(r.started).toEqual(["a", "b", "d"]);
    r.finish.get("b")!();
    await tick();
    expect(r.started).toEqual(["a", "b", "d", "c"]);
    for (const j of ["d", "c"]) r.finish.get(j)!();
    await tick();
    expect(r.started).toEqual(["a", "b", "d", "c", "e"]);
    r.finish.get("e")!();
    expect(await Promise.all(results)).toEqual(["a!", "b!", "c!", "d!", "e!"]);
  });

  it("passes a failed job's error to its submitter and goes on with the rest", async () => {
    const d = new Dispatcher(
      (job: number) => (job === 2 ? Promise.reject(new Error("two")) : Promise.resolve(job)),
      1,
    );
    const out = await Promise.allSettled([1, 2, 3].map((j) => d.submit(j, 0)));
    expect(out.map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
  });
});

describe("Gate", () => {
  it("lets `limit` holders in at once and the next one per release, in order", async () => {
    const g = new Gate(2);
    const order: number[] = [];
    const holders = [1, 2, 3, 4].map((i) => g.acquire().then(() => order.push(i)));
    await tick();
    expect(order).toEqual([1, 2]);
    g.release();
    await tick();
    expect(order).toEqual([1, 2, 3]);
    g.release();
    g.release();
    g.release();
    await Promise.all(holders);
    expect(order).toEqual([1, 2, 3, 4]);
    // all released: two may enter again at once
    const again: number[] = [];
    await Promise.all([g.acquire().then(() => again.push(1)), g.acquire().then(() => again.push(2))]);
    expect(again).toEqual([1, 2]);
  });
});
