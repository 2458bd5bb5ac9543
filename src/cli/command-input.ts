import { AppException } from '../common/errors/app.exception';

/** Thrown for a bad invocation; cli.ts prints its message on one line and exits 1. */
export class CommandError extends Error {}

/** Reads a secret piped on standard input (`--password-stdin`), without its final newline. */
export async function readStdin(): Promise<string> {
  if (process.stdin.isTTY)
    throw new CommandError('--password-stdin expects the password on standard input');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

export async function passwordOption(options: { password?: string; passwordStdin?: boolean }) {
  if (options.password !== undefined && options.passwordStdin) {
    throw new CommandError('give either --password or --password-stdin, not both');
  }
  if (options.passwordStdin) return readStdin();
  if (options.password === undefined)
    throw new CommandError('--password or --password-stdin is required');
  return options.password;
}

/** Domain errors become one readable line (field errors included). */
export function describeFailure(error: unknown): string {
  if (error instanceof AppException) {
    const fields = error.errors?.map((e) => `${e.field}: ${e.message}`).join('; ');
    return fields || error.detail;
  }
  return error instanceof Error ? error.message : String(error);
}
