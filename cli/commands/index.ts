// The ordered command table. Adding a command: one file in this folder plus one line here.

import type { CliCommand } from "../command.js";
import { compileCommand } from "./compile.js";
import { inspectCommand } from "./inspect.js";
import { profilesCommand } from "./profiles.js";
import { simulateCommand } from "./simulate.js";
import { zooCommand } from "./zoo.js";

export const commands: CliCommand[] = [
  profilesCommand,
  inspectCommand,
  compileCommand,
  simulateCommand,
  zooCommand,
];
