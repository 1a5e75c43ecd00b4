import { describe, expect, it } from "vitest";
import { loadProfile } from "../hw-profiles/index.js";
import { latencyModelled } from "./chip-metrics.js";

describe("latencyModelled", () => {
  it("is false only for profiles with no per-event latency and no barrier", () => {
    expect(latencyModelled(loadProfile("loihi2"))).toBe(true);
    expect(latencyModelled(loadProfile("loihi"))).toBe(true);
    // Speck's profile gives energies only: a simulated 0 s would read as "instant"
    expect(latencyModelled(loadProfile("speck"))).toBe(false);
  });
});
