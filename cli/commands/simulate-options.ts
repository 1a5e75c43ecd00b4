// Option tables of `simulate` kept apart from the code that runs them, so parsing a command line loads no
// compiler or simulator (cli/commands/index.ts: a command's module loads only when needed, its engines later).

/** The options `--engine chip` adds to `simulate` (the mapping ones are `spikegrid map`'s). */
export const CHIP_OPTIONS = {
  profile: { type: "string", describe: "chip engine: chip profile name or file" },
  mapping: {
    type: "string",
    describe:
      "chip engine: a mapping JSON (spikegrid map -o), or auto to map here; default: a SANA-FE file's own mappings:, else map here",
  },
  timing: {
    type: "string",
    describe: "chip engine: simple (busiest core) | detailed (event-driven with link contention, default)",
  },
  convention: {
    type: "string",
    describe:
      "chip engine: neurobench (default: spikegrid's counts and the profile's events) | sanafe (SANA-FE's counting, unit costs and detailed timing; a SANA-FE network file)",
  },
  "max-cores": { type: "number", describe: "chip engine, when mapping here: use at most N cores" },
  "max-chips": {
    type: "number",
    describe: "chip engine on a multi-chip system, when mapping here: use at most N chips",
  },
  "neurons-per-core": {
    type: "number",
    describe: "chip engine, when mapping here: at most N neurons a core",
  },
  placement: { type: "string", describe: "chip engine, when mapping here: sequential | greedy | anneal" },
  seed: { type: "number", describe: "chip engine, when mapping here: annealing seed (default 1)" },
} as const;

/** `--labels` (float and reference engines). */
export const labelsOption = {
  type: "string",
  describe:
    "labels .npy [batch] of class indices: report accuracy by samples seen (LMUFormer all_seq) and the algorithmic delay",
} as const;
