// Multi-chip system profiles: the shipped boards and racks (chip counts, link numbers in SI with provenance),
// `extends:` of a built-in chip, the system's own rules (one chip in `grid`, one link energy form) and its host
// link (system.host).

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadProfile, provenanceOf, validateProfileFile } from "./index.js";

describe("system profiles", () => {
  it.each([
    ["loihi2-kapoho-point", 2, 4, 8, "loihi2"],
    ["loihi2-hala-point", 32, 36, 1152, "loihi2"],
    ["loihi-pohoiki-springs", 32, 24, 768, "loihi"],
    ["spinnaker2-48", 8, 6, 48, "spinnaker2"],
    ["spinnaker2-sandia", 32, 36, 1152, "spinnaker2"],
  ])("%s: %i × %i = %i chips of the %s chip", (name, x, y, chips, chip) => {
    const p = loadProfile(name as string);
    const base = loadProfile(chip as string);
    expect([p.system?.chipsX, p.system?.chipsY, p.grid.chips]).toEqual([x, y, chips]);
    expect(p.grid.coresPerChip).toBe(base.grid.coresPerChip);
    expect(p.core).toEqual(base.core);
    expect(p.costs).toEqual(base.costs);
    expect(p.system?.link.bandwidthBitsPerS).toBeGreaterThan(0);
    expect(provenanceOf(p, "system.link.energyPerBit")?.status).toBe("estimate");
  });

  it("turns energy per bit into energy per packet and multiplies by the hops between chips", () => {
    const p = loadProfile("spinnaker2-48");
    // 10 pJ/bit × 40-bit packets
    expect(p.system?.link.energyPerPacketJ).toBe(4e-10);
    expect(p.system?.link.bandwidthBitsPerS).toBe(2e9);
    const hala = loadProfile("loihi2-hala-point");
    expect(hala.system?.link.bandwidthBitsPerS).toBe(8.68e9);
    expect(provenanceOf(hala, "system.link.bandwidth")?.status).toBe("derived");
  });

  it("refuses a system whose grid counts chips, both link energy forms, and an unknown base", () => {
    const dir = mkdtempSync(join(tmpdir(), "sg-system-"));
    const file = join(dir, "s.yaml");
    const q = (v: number, unit = "") =>
      `{ value: ${v}, ${unit ? `unit: ${unit}, ` : ""}status: estimate, source: e }`;
    writeFileSync(
      file,
      [
        "extends: loihi2",
        "name: my-board",
        "sources: { e: guess }",
        "grid:",
        "  width: { value: 8, status: published, source: e }",
        "  height: { value: 16, status: published, source: e }",
        "  coresPerTile: { value: 1, status: published, source: e }",
        "  routing: xy",
        "  multicast: false",
        `  chips: ${q(4)}`,
        "system:",
        `  chips: { x: ${q(2)}, y: ${q(2)} }`,
        `  packetBits: ${q(32)}`,
        "  link:",
        `    energyPerBit: ${q(1, "pJ")}`,
        `    energyPerPacket: ${q(30, "pJ")}`,
      ].join("\n"),
    );
    const messages = validateProfileFile(file).problems.map((p) => `${p.path}: ${p.message}`);
    expect(messages).toEqual([
      expect.stringMatching(
        /^grid\.chips\.value: with `system:` the grid describes one chip; expected 1, found 4/,
      ),
      expect.stringMatching(/^system\.link\.energyPerBit: give energyPerPacket or energyPerBit, not both/),
    ]);
    writeFileSync(file, "extends: loihi7\nname: x\n");
    expect(validateProfileFile(file).problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/"loihi7" is not a built-in profile/),
    ]);
  });

  it("a host link: energy per bit × its packet bits (default system.packetBits), provenance per number", () => {
    const kp = loadProfile("loihi2-kapoho-point");
    // 100 pJ/bit × 32-bit packets, Gigabit Ethernet, 10 µs
    expect(kp.system?.host).toEqual({
      energyPerPacketJ: 3.2e-9,
      latencyS: 1e-5,
      bandwidthBitsPerS: 1e9,
      packetBits: 32,
    });
    for (const name of ["loihi2-hala-point", "loihi-pohoiki-springs", "spinnaker2-48", "spinnaker2-sandia"]) {
      const p = loadProfile(name);
      expect(p.system?.host?.bandwidthBitsPerS, name).toBeGreaterThan(0);
      expect(provenanceOf(p, "system.host.energyPerBit")?.status, name).toBe("estimate");
      expect(provenanceOf(p, "system.host.bandwidth")?.sourceKey, name).toBeTruthy();
    }
    const dir = mkdtempSync(join(tmpdir(), "sg-host-"));
    const file = join(dir, "h.yaml");
    const q = (v: number, unit = "") =>
      `{ value: ${v}, ${unit ? `unit: ${unit}, ` : ""}status: estimate, source: e }`;
    const board = [
      "extends: loihi2",
      "name: my-board",
      "sources: { e: guess }",
      "system:",
      `  chips: { x: ${q(2)}, y: ${q(1)} }`,
      `  packetBits: ${q(40)}`,
      "  link: {}",
      "  host:",
    ];
    writeFileSync(
      file,
      [...board, `    energyPerBit: ${q(100, "pJ")}`, `    latency: ${q(2, "µs")}`].join("\n"),
    );
    const ok = validateProfileFile(file);
    expect(ok.problems).toEqual([]);
    expect(ok.profile?.system?.host).toEqual({ energyPerPacketJ: 4e-9, latencyS: 2e-6, packetBits: 40 });
    writeFileSync(
      file,
      [
        ...board,
        `    energyPerBit: ${q(100, "pJ")}`,
        `    energyPerPacket: ${q(1, "nJ")}`,
        `    bandwidth: ${q(0, "Gbit/s")}`,
      ].join("\n"),
    );
    expect(validateProfileFile(file).problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      expect.stringMatching(/^system\.host\.energyPerBit: give energyPerPacket or energyPerBit, not both/),
      expect.stringMatching(/^system\.host\.bandwidth\.value: a host link bandwidth must be above 0/),
    ]);
  });
});
