// difftower command line: dispatches to the command modules in cli/commands/ and turns typed
// errors into exit codes (cli/shared.ts, EXIT).

import { DecodeError } from '../core/codec.js';
import { COMMANDS } from './commands/index.js';
import { EnvironmentError, EXIT, UsageError } from './shared.js';

const VERSION = '0.1.0';

function help(): string {
  return `difftower ${VERSION} — multi-implementation STF checker and differential fuzzer for the Aztec rollup

Usage:
${COMMANDS.map((c) => `  difftower ${c.help}`).join('\n')}

Options:
  -h, --help         Show this help.      --version  Print the version.

Exit codes: 0 ok; 1 a finding (divergence, rejected checkpoint, invalid proof or evidence);
2 usage error; 3 invalid input file; 4 environment failure (a tool or service could not be used).`;
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    if (cmd === '--version') {
      console.log(`difftower ${VERSION}`);
      return EXIT.ok;
    }
    if (cmd === undefined || cmd === '-h' || cmd === '--help' || cmd === 'help') {
      console.log(help());
      return cmd === undefined ? EXIT.usage : EXIT.ok;
    }
    const command = COMMANDS.find((c) => c.name === cmd);
    if (!command) throw new UsageError(`unknown command '${cmd}'`);
    return await command.run(rest);
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`difftower: ${(err as Error).message}\nRun 'difftower --help' for usage.`);
      return EXIT.usage;
    }
    if (err instanceof DecodeError) {
      console.error(`difftower: ${err.message}`);
      return EXIT.input;
    }
    if (err instanceof EnvironmentError) {
      console.error(`difftower: ${err.message}`);
      return EXIT.environment;
    }
    throw err;
  }
}
