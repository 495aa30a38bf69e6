// Every `difftower` command, in the order `--help` lists them. A new command is a module in this
// folder exporting a Command, added here.

import type { Command } from '../shared.js';
import { applyCommand, genCommand, genesisCommand } from './files.js';
import { runCommand } from './run.js';

export const COMMANDS: Command[] = [runCommand, genesisCommand, genCommand, applyCommand];
