// Every `difftower` command, in the order `--help` lists them. A new command is a module in this
// folder exporting a Command, added here.

import type { Command } from '../shared.js';
import { campaignCommand } from './campaign.js';
import { applyCommand, genCommand, genesisCommand } from './files.js';
import { fuzzCommand } from './fuzz.js';
import { hintFuzzCommand } from './hint-fuzz.js';
import { proveCommand, verifyProofCommand } from './proofs.js';
import { reportCommand } from './report.js';
import { replayCommand } from './replay.js';
import { runCommand } from './run.js';
import { devnetCommand, verifyEvidenceCommand, watchCommand } from './watch.js';

export const COMMANDS: Command[] = [fuzzCommand, campaignCommand, replayCommand, reportCommand, runCommand, genesisCommand, genCommand, applyCommand, proveCommand, verifyProofCommand, hintFuzzCommand, devnetCommand, watchCommand, verifyEvidenceCommand];
