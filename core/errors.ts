// Typed errors shared by every layer. Kept free of heavy imports (no effect) so that the command
// line can recognise them without loading the codec.

/** Untrusted bytes (a file, a message) that are not what was expected: exit 3 at the CLI. */
export class DecodeError extends Error {
  readonly _tag = 'DecodeError';
  constructor(
    readonly what: string,
    message: string,
  ) {
    super(`invalid ${what}: ${message}`);
    this.name = 'DecodeError';
  }
}

/** A command line that cannot be run as given: exit 2 at the CLI. */
export class UsageError extends Error {}

/** Something difftower depends on (an implementation at start-up, anvil, an RPC, Redis) is unusable: exit 4. */
export class EnvironmentError extends Error {}
