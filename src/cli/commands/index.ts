/** Every `zpetl` command, in the order `zpetl --help` lists them. */
import type { CliCommand } from '../command.js';
import { demoCommand } from './demo.js';
import { exportCommand } from './export.js';
import { initCommand } from './init.js';
import { sandboxCommand } from './sandbox.js';

export const COMMANDS: CliCommand[] = [demoCommand, sandboxCommand, initCommand, exportCommand];
