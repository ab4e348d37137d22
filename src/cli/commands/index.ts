/** Every `zpetl` command, in the order `zpetl --help` lists them. */
import type { CliCommand } from '../command.js';
import { demoCommand } from './demo.js';
import { exportCommand } from './export.js';
import { initCommand } from './init.js';
import { rejectsCommand } from './rejects.js';
import { resumeCommand, runCommand } from './run.js';
import { sandboxCommand } from './sandbox.js';
import { statusCommand } from './status.js';
import { validateCommand } from './validate.js';

export const COMMANDS: CliCommand[] = [
  demoCommand,
  sandboxCommand,
  initCommand,
  validateCommand,
  runCommand,
  resumeCommand,
  statusCommand,
  rejectsCommand,
  exportCommand,
];
