// Rules a schema cannot express: every `source` resolves, costs are not empty, core indices exist,
// tables are ordered, and fields that only make sense together appear together.

import { didYouMean, type KeyPath } from "./positions.js";
import type { ProblemList } from "./problems.js";
import { MAX_CORES_PER_CHIP, MAX_SYSTEM_CORES, type ProfileFile } from "./schema.js";

/** Calls `visit` for every quantity-like mapping (one with `value` and `source`) in any parsed data. */
export function forEachQuantity(
  data: unknown,
  visit: (q: Record<string, unknown>, path: (string | number)[]) => void,
  path: (string | number)[] = [],
): void {
  if (Array.isArray(data)) {
    data.forEach((item, i) => {
      forEachQuantity(item, visit, [...path, i]);
    });
  } else if (typeof data === "object" && data !== null) {
    const obj = data as Record<string, unknown>;
    if ("value" in obj && "source" in obj) {
      visit(obj, path);
      return;
    }
    for (const [k, v] of Object.entries(obj)) if (k !== "sources") forEachQuantity(v, visit, [...path, k]);
  }
}

/**
 * Source references. Runs on raw data too (before or despite schema errors), so a file with a bad type
 * and a dangling source reports both at once.
 */
export function checkSources(data: unknown, list: ProblemList): void {
  if (typeof data !== "object" || data === null) return;
  const sources = (data as Record<string, unknown>).sources;
  // Without a `sources:` mapping the schema already reports it; one problem per quantity would only be noise.
  if (typeof sources !== "object" || sources === null || Array.isArray(sources)) return;
  const known = Object.keys(sources);
  forEachQuantity(data, (q, path) => {
    const src = q.source;
    if (typeof src !== "string" || src === "" || known.includes(src)) return;
    const guess = didYouMean(src, known);
    const expected = known.length
      ? `a key of \`sources:\` (${known.join(", ")})`
      : "a key of `sources:` (the map is empty)";
    list.add(
      [...path, "source"],
      `unknown source "${src}"; expected ${expected}${guess ? ` — did you mean "${guess}"?` : ""}`,
    );
  });
}

/** Usable cores per chip as the file declares them (grid.cores, else the mesh minus unavailable tiles). */
export function coresPerChip(p: ProfileFile): number {
  const g = p.grid;
  if (g.cores) return g.cores.value;
  return (g.width.value * g.height.value - (g.unavailableTiles?.length ?? 0)) * g.coresPerTile.value;
}

function checkCoreIndices(cores: number[], n: number, path: KeyPath, list: ProblemList): void {
  cores.forEach((c, i) => {
    if (c >= n)
      list.add([...path, i], `core ${c} does not exist; expected an index below ${n} (cores per chip)`);
  });
}

/** Cross-field rules on a file that passed the schema. */
export function checkConsistency(p: ProfileFile, list: ProblemList): void {
  const g = p.grid;
  const n = coresPerChip(p);
  const meshCores = g.width.value * g.height.value * g.coresPerTile.value;
  if (meshCores > MAX_CORES_PER_CHIP) {
    // checked first: the per-core rules below enumerate the cores
    list.add(
      ["grid", "coresPerTile", "value"],
      `width × height × coresPerTile = ${meshCores} cores per chip; at most ${MAX_CORES_PER_CHIP} are supported (use "chips" for more)`,
    );
    return;
  }
  const seen = new Set<string>();
  g.unavailableTiles?.forEach(([x, y], i) => {
    if (x >= g.width.value || y >= g.height.value) {
      list.add(
        ["grid", "unavailableTiles", i],
        `tile [${x}, ${y}] lies outside the ${g.width.value}×${g.height.value} mesh`,
      );
    }
    if (seen.has(`${x},${y}`)) list.add(["grid", "unavailableTiles", i], `tile [${x}, ${y}] is listed twice`);
    seen.add(`${x},${y}`);
  });
  if (g.cores) {
    const fromMesh =
      (g.width.value * g.height.value - (g.unavailableTiles?.length ?? 0)) * g.coresPerTile.value;
    if (g.cores.value > meshCores) {
      list.add(
        ["grid", "cores", "value"],
        `expected at most ${meshCores} (width × height × coresPerTile), found ${g.cores.value}`,
      );
    } else if (g.unavailableTiles && g.cores.value !== fromMesh) {
      list.add(
        ["grid", "cores", "value"],
        `expected ${fromMesh} (mesh minus unavailable tiles), found ${g.cores.value}`,
      );
    }
  }

  for (const [name, c] of Object.entries(p.costs)) {
    if (c && !c.energy && !c.latency)
      list.add(
        ["costs", name],
        "a cost needs energy, latency or both; leave the cost out when neither is known",
      );
  }
  if (p.costs.hop && (p.costs.hopEW || p.costs.hopNS)) {
    list.add(["costs", "hop"], "give either one `hop` cost or `hopEW`/`hopNS` by direction, not both", "key");
  }
  const caps = p.core.capabilities;
  if (!caps.gradedSpikes && p.costs.synopMAC) {
    list.add(
      ["costs", "synopMAC"],
      "a MAC cost needs graded spikes; set core.capabilities.gradedSpikes: true or remove it",
      "key",
    );
  }
  if (!caps.gradedSpikes && caps.payloadBits) {
    list.add(["core", "capabilities", "payloadBits"], "payloadBits needs gradedSpikes: true", "key");
  }

  p.coreOverrides?.forEach((o, i) => {
    checkCoreIndices(o.cores, n, ["coreOverrides", i, "cores"], list);
  });
  const mm = p.core.memoryModel;
  if (mm.kind === "speck") {
    const count = new Map<number, number>();
    mm.coreTable.forEach((row, i) => {
      checkCoreIndices(row.cores, n, ["core", "memoryModel", "coreTable", i, "cores"], list);
      for (const c of row.cores) count.set(c, (count.get(c) ?? 0) + 1);
    });
    for (let c = 0; c < n; c++) {
      const k = count.get(c) ?? 0;
      if (k !== 1)
        list.add(["core", "memoryModel", "coreTable"], `core ${c} appears ${k} times; expected exactly once`);
    }
  }

  if (p.system) checkSystem(p, n, list);

  if (p.barrier?.kind === "table") {
    p.barrier.points.forEach((pt, i) => {
      const prev = p.barrier?.kind === "table" ? p.barrier.points[i - 1] : undefined;
      if (prev && pt.tiles <= prev.tiles) {
        list.add(
          ["barrier", "points", i, "tiles"],
          `expected more than ${prev.tiles} tiles (points in increasing order), found ${pt.tiles}`,
        );
      }
    });
  }
}

/** A system: its grid is one chip, its cores stay enumerable, one link energy form. */
function checkSystem(p: ProfileFile, coresOnChip: number, list: ProblemList): void {
  const sy = p.system;
  if (!sy) return;
  if (p.grid.chips.value !== 1)
    list.add(
      ["grid", "chips", "value"],
      `with \`system:\` the grid describes one chip; expected 1, found ${p.grid.chips.value} (the chip count is system.chips.x × y)`,
    );
  const chips = sy.chips.x.value * sy.chips.y.value;
  if (chips * coresOnChip > MAX_SYSTEM_CORES)
    list.add(
      ["system", "chips"],
      `${chips} chips × ${coresOnChip} cores = ${chips * coresOnChip} cores; at most ${MAX_SYSTEM_CORES} are supported (MAX_SYSTEM_CORES)`,
    );
  if (sy.link.energyPerPacket && sy.link.energyPerBit)
    list.add(["system", "link", "energyPerBit"], "give energyPerPacket or energyPerBit, not both", "key");
  if (sy.link.bandwidth && sy.link.bandwidth.value === 0)
    list.add(
      ["system", "link", "bandwidth", "value"],
      "a link bandwidth must be above 0; leave it out when unknown",
    );
  const host = sy.host;
  if (host?.energyPerPacket && host.energyPerBit)
    list.add(["system", "host", "energyPerBit"], "give energyPerPacket or energyPerBit, not both", "key");
  if (host?.bandwidth && host.bandwidth.value === 0)
    list.add(
      ["system", "host", "bandwidth", "value"],
      "a host link bandwidth must be above 0; leave it out when unknown",
    );
  if (p.grid.routing !== "xy")
    list.add(
      ["system"],
      "a system needs `grid.routing: xy` (routes cross chip boundaries as XY paths)",
      "key",
    );
}
