// difftower command line: finds the command in cli/commands/index.ts, answers `--help` from its
// spec, imports and runs its module, and turns typed errors into one line and an exit code
// (cli/shared.ts, EXIT). Only what the command uses is loaded.

import { DecodeError } from '../core/errors.js';
import { ImplementationNameError } from '../impls/registry.js';
import { COMMANDS } from './commands/index.js';
import { EnvironmentError, EXIT, OutputPathError, UsageError } from './shared.js';
import { commandHelp, mainHelp, VERSION } from './usage.js';

const wantsHelp = (args: string[]) => {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
};

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    if (cmd === '--version') {
      console.log(`difftower ${VERSION}`);
      return EXIT.ok;
    }
    if (cmd === undefined || cmd === '-h' || cmd === '--help' || cmd === 'help') {
      const about = cmd === 'help' && rest[0] ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
      console.log(about ? commandHelp(about) : mainHelp());
      return cmd === undefined ? EXIT.usage : EXIT.ok;
    }
    const command = COMMANDS.find((c) => c.name === cmd);
    if (!command) throw new UsageError(`unknown command '${cmd}' (expected one of ${COMMANDS.map((c) => c.name).join(', ')})`);
    if (wantsHelp(rest)) {
      console.log(commandHelp(command));
      return EXIT.ok;
    }
    const run = await command.load();
    return await run(rest);
  } catch (err) {
    return report(err, cmd);
  }
}

/** One line on stderr and the exit code for an error a user can act on; anything else is a bug. */
function report(err: unknown, cmd: string | undefined): number {
  const help = cmd && COMMANDS.some((c) => c.name === cmd) ? `difftower ${cmd} --help` : 'difftower --help';
  if (err instanceof UsageError || err instanceof ImplementationNameError) {
    console.error(`difftower: ${err.message}\nRun '${help}' for usage.`);
    return EXIT.usage;
  }
  if (err instanceof DecodeError || err instanceof OutputPathError) {
    console.error(`difftower: ${err.message}`);
    return EXIT.input;
  }
  if (err instanceof EnvironmentError) {
    console.error(`difftower: ${err.message}`);
    return EXIT.environment;
  }
  // A file the command writes after its checks (the disk filled, a directory vanished).
  const e = err as NodeJS.ErrnoException;
  if (e && typeof e.code === 'string' && typeof e.path === 'string' && typeof e.syscall === 'string') {
    console.error(`difftower: ${e.message.split('\n')[0]}`);
    return EXIT.input;
  }
  throw err;
}
