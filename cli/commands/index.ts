// The ordered command table. Adding a command: one file in this folder plus one line here.

import type { CliCommand } from "../command.js";
import { compileCommand } from "./compile.js";
import { demoCommand } from "./demo.js";
import { exploreCommand } from "./explore.js";
import { inspectCommand } from "./inspect.js";
import { mapCommand } from "./map.js";
import { profilesCommand } from "./profiles.js";
import { reportCommand } from "./report.js";
import { simulateCommand } from "./simulate.js";
import { tableCommand } from "./table.js";
import { zooCommand } from "./zoo.js";

export const commands: CliCommand[] = [
  profilesCommand,
  inspectCommand,
  compileCommand,
  mapCommand,
  simulateCommand,
  zooCommand,
  exploreCommand,
  reportCommand,
  tableCommand,
  demoCommand,
];
