// Start and stop a local anvil (Foundry's L1 node) for tests and `difftower devnet`.
// The binary ships in the npm package @foundry-rs/anvil-<platform>-<arch>; it is called by path
// because the npm `.bin` wrapper loses the exit code. `--port 0` lets the OS pick a free port,
// which anvil prints as "Listening on 127.0.0.1:PORT".

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export class AnvilNotFoundError extends Error {
  constructor(readonly searched: string) {
    super(
      `anvil binary not found (looked for ${searched}). Run \`npm install\` (it installs ` +
        `@foundry-rs/anvil and its platform package) or set DIFFTOWER_ANVIL to an anvil binary.`,
    );
    this.name = 'AnvilNotFoundError';
  }
}

export class AnvilStartError extends Error {
  constructor(message: string, readonly output: string) {
    super(`${message}\n--- anvil output ---\n${output.slice(-4000)}`);
    this.name = 'AnvilStartError';
  }
}

export interface AnvilOptions {
  /** Port to listen on; 0 (default) lets the OS choose. */
  port?: number;
  /** Chain id (default 31337). */
  chainId?: number;
  /** Hardfork name (default: anvil's own default). */
  hardfork?: string;
  /** Seconds between automatically mined blocks; default: mine on every transaction. */
  blockTime?: number;
  /** Block gas limit (default anvil's 30 M). */
  gasLimit?: bigint;
  /** Binary path; default: DIFFTOWER_ANVIL or the platform package's binary. */
  binary?: string;
  /** How long to wait for "Listening on" (default 20 s). */
  startTimeoutMs?: number;
  /** Extra command-line arguments. */
  args?: readonly string[];
}

export interface AnvilHandle {
  readonly rpcUrl: string;
  readonly port: number;
  readonly process: ChildProcess;
  /** Kill anvil and wait for it to exit (idempotent). */
  stop(): Promise<void>;
}

const PLATFORM_PACKAGE: Record<string, string> = {
  'linux-x64': 'anvil-linux-amd64',
  'linux-arm64': 'anvil-linux-arm64',
  'darwin-x64': 'anvil-darwin-amd64',
  'darwin-arm64': 'anvil-darwin-arm64',
  'win32-x64': 'anvil-win32-amd64',
};

/** Path of the anvil binary for this machine; throws AnvilNotFoundError if it is missing. */
export function anvilBinaryPath(): string {
  const env = process.env.DIFFTOWER_ANVIL;
  if (env) {
    if (!existsSync(env)) throw new AnvilNotFoundError(env);
    return env;
  }
  const pkg = PLATFORM_PACKAGE[`${process.platform}-${process.arch}`];
  if (!pkg) throw new AnvilNotFoundError(`a @foundry-rs anvil package for ${process.platform}-${process.arch}`);
  const name = process.platform === 'win32' ? 'anvil.exe' : 'anvil';
  let path = `@foundry-rs/${pkg}/bin/${name}`;
  try {
    const require = createRequire(import.meta.url);
    path = join(dirname(require.resolve(`@foundry-rs/${pkg}/package.json`)), 'bin', name);
  } catch {
    throw new AnvilNotFoundError(path);
  }
  if (!existsSync(path)) throw new AnvilNotFoundError(path);
  return path;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A crashed or interrupted parent must not leave anvil processes behind.
  process.once('exit', () => {
    for (const p of running) p.kill('SIGKILL');
  });
}

/** Start anvil and resolve once it accepts JSON-RPC. */
export async function startAnvil(options: AnvilOptions = {}): Promise<AnvilHandle> {
  const binary = options.binary ?? anvilBinaryPath();
  if (!existsSync(binary)) throw new AnvilNotFoundError(binary);
  const args = ['--host', '127.0.0.1', '--port', String(options.port ?? 0)];
  if (options.chainId !== undefined) args.push('--chain-id', String(options.chainId));
  if (options.hardfork !== undefined) args.push('--hardfork', options.hardfork);
  if (options.blockTime !== undefined) args.push('--block-time', String(options.blockTime));
  if (options.gasLimit !== undefined) args.push('--gas-limit', options.gasLimit.toString());
  args.push(...(options.args ?? []));

  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  installExitHook();
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', () => running.delete(child));

  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new AnvilStartError(`anvil did not start within ${options.startTimeoutMs ?? 20_000} ms`, output));
    }, options.startTimeoutMs ?? 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /Listening on [^\s:]+:(\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new AnvilStartError(`could not run ${binary}: ${e.message}`, output));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new AnvilStartError(`anvil exited before listening (code ${code}, signal ${signal})`, output));
    });
  });
  // Keep draining output so a chatty anvil never blocks on a full pipe.
  child.stdout!.removeAllListeners('data');
  child.stderr!.removeAllListeners('data');
  child.stdout!.resume();
  child.stderr!.resume();

  let stopping: Promise<void> | undefined;
  return {
    rpcUrl: `http://127.0.0.1:${port}`,
    port,
    process: child,
    stop() {
      if (!stopping) {
        stopping = (async () => {
          if (child.exitCode === null && child.signalCode === null) {
            child.kill('SIGTERM');
            const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
            await exited;
            clearTimeout(timer);
          }
        })();
      }
      return stopping;
    },
  };
}
