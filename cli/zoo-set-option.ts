// `--set key=value` as a yargs option, apart from the zoo (cli/zoo-set.ts) so commands declare it without loading
// the model builders.

export const zooSetOption = {
  type: "string",
  array: true,
  describe: "zoo:NAME only: override a model setting, key=value (repeatable; see spikegrid zoo show NAME)",
} as const;
