// The mapping file: plain JSON a user can read, edit and pass back (`spikegrid map -o mapping.json`).
// Which neurons of which population sit on which core, what each core uses against its limits, where each
// core sits on the grid, the routes between cores and the placement cost. `mappingSchema` checks its shape;
// `validateMapping` (validate.ts) checks it against the NMIR module and the chip profile.

import { z } from "zod";
import type { Encoding } from "./encoding.js";

export const MAPPING_SCHEMA_VERSION = 1;

export const PLACEMENTS = ["sequential", "greedy", "anneal"] as const;
export type Placement = (typeof PLACEMENTS)[number];

/** A contiguous run of neurons `start .. start + count − 1` (row-major) of one population or dynamic matmul. */
export interface Slice {
  population: string;
  start: number;
  count: number;
}

/**
 * Resource counts by name: `neurons`, `synapseBits`, `inputAxons`, `outputRoutes`, `stateBits`, and the
 * memory-model specific ones (`kernelEntries`, `neuronEntries`, `biasEntries` on Speck; `axonTypes` on
 * TrueNorth; `hiddenNeurons`, `outputNeurons`, `inputChannels`, `fanOut` on Xylo).
 */
export type Usage = Record<string, number>;

export interface MappedCore {
  /** Core number on the chip, 0 .. coresPerChip − 1; on a multi-chip system the global number chip·coresPerChip + core. */
  index: number;
  /** Multi-chip systems: the chip (⌊index / coresPerChip⌋), at chip-grid position (chip mod chipsX, ⌊chip / chipsX⌋). */
  chip?: number;
  /** Tile position on the grid (a system's global grid: chip position × the chip's mesh + the tile on it). */
  x: number;
  y: number;
  /** Tile number (row-major over the available tiles). */
  tile: number;
  slices: Slice[];
  usage: Usage;
  /** The same keys as `usage`; a key absent here is not limited by the profile. */
  limits: Usage;
}

/** One source core's spikes to its destination cores; `packets` per source event (1 with multicast). */
export interface Route {
  fromCore: number;
  toCores: number[];
  /** Σ over destinations of the Manhattan (XY) distance in tiles. */
  hops: number;
  /** Tiles an XY route visits, per destination, source and destination included. */
  path?: [number, number][][];
}

/** Per-core routing table: for every source core whose events pass through here, the output directions. */
export interface RoutingTableEntry {
  fromCore: number;
  /** "local" delivers to this tile; "E", "W", "N", "S" forward. */
  out: ("local" | "E" | "W" | "N" | "S")[];
}

export interface Cost {
  /** Σ over routes of traffic × hops. */
  trafficHops: number;
  trafficSource: "profiled" | "fan-out";
}

export interface Mapping {
  schemaVersion: number;
  profile: string;
  cores: MappedCore[];
  routes: Route[];
  /** Keyed by tile number; empty on a multi-chip system (its tables are `chipTables`). */
  routingTables: Record<string, RoutingTableEntry[]>;
  /** A multi-chip system's router tables, keyed by chip number: directions between chips, "local" on the
   * chips of the destination cores (route-xy.ts). */
  chipTables?: Record<string, RoutingTableEntry[]>;
  /** How the cores were placed: by one of spikegrid's placers, or as a network file's own mapping says. */
  placement: Placement | "file";
  cost: Cost;
  /**
   * How graded events travel where the profile sends only binary spikes, by population id: as b bit planes
   * (encoding.ts). Absent or empty when every population's events travel as they are.
   */
  encodings?: Record<string, Encoding>;
}

const usageSchema = z.record(z.string(), z.number().nonnegative());
const int = z.number().int().nonnegative();

export const mappingSchema = z.object({
  schemaVersion: z.literal(MAPPING_SCHEMA_VERSION),
  profile: z.string(),
  cores: z.array(
    z.object({
      index: int,
      chip: int.optional(),
      x: int,
      y: int,
      tile: int,
      slices: z.array(z.object({ population: z.string(), start: int, count: int.min(1) })),
      usage: usageSchema,
      limits: usageSchema,
    }),
  ),
  routes: z.array(
    z.object({
      fromCore: int,
      toCores: z.array(int),
      hops: int,
      path: z.array(z.array(z.tuple([int, int]))).optional(),
    }),
  ),
  routingTables: z.record(
    z.string(),
    z.array(z.object({ fromCore: int, out: z.array(z.enum(["local", "E", "W", "N", "S"])) })),
  ),
  chipTables: z
    .record(
      z.string(),
      z.array(z.object({ fromCore: int, out: z.array(z.enum(["local", "E", "W", "N", "S"])) })),
    )
    .optional(),
  placement: z.enum([...PLACEMENTS, "file"]),
  cost: z.object({ trafficHops: z.number().nonnegative(), trafficSource: z.enum(["profiled", "fan-out"]) }),
  encodings: z
    .record(z.string(), z.object({ kind: z.literal("bitplanes"), bits: z.number().int().min(1) }))
    .optional(),
});
