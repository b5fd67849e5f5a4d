/**
 * Paperboy cannot start, for a reason its message says in plain words (a refused token, an
 * unreachable Redis, an unsupported database): the CLI prints the message alone, no stack.
 */
export class StartupError extends Error {
  override name = 'StartupError';
}
