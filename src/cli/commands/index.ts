/** Every `zpetl` command, in the order `zpetl --help` lists them. */
import type { CliCommand } from '../command.js';
import { initCommand } from './init.js';

export const COMMANDS: CliCommand[] = [initCommand];
