/** Exit codes of the CLI, in one table (documented in the README). */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  sighup: 129,
  sigint: 130,
  sigquit: 131,
  sigterm: 143,
} as const;

/** The exit code of a run a signal stopped: 128 + the signal's number, as a shell reports a job it ended. */
export const SIGNAL_EXIT: Readonly<Record<'SIGINT' | 'SIGTERM' | 'SIGHUP' | 'SIGQUIT', number>> = { SIGINT: EXIT.sigint, SIGTERM: EXIT.sigterm, SIGHUP: EXIT.sighup, SIGQUIT: EXIT.sigquit };

/** SIGNAL_EXIT of a signal the run stops on; a cancelled run that heard none exits as Ctrl-C. */
export function exitForSignal(signal: NodeJS.Signals | undefined): number {
  return (signal !== undefined && (SIGNAL_EXIT as Record<string, number>)[signal]) || EXIT.sigint;
}

export type ErrorCode =
  | 'usage'
  | 'io'
  | 'invalid-workflow'
  | 'invalid-config'
  | 'internal';

/**
 * An error the user can fix: printed as one line (never a stack trace) and
 * mapped to an exit code by the CLI.
 */
export class OrchestrateError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: number;
  constructor(code: ErrorCode, message: string, exitCode: number) {
    super(message);
    this.name = 'OrchestrateError';
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** A bad command line: unknown flag, bad value. Exit 2. */
export class UsageError extends OrchestrateError {
  constructor(message: string) {
    super('usage', message, EXIT.usage);
    this.name = 'UsageError';
  }
}

/** A file that cannot be read or written. Exit 2. */
export class IoError extends OrchestrateError {
  readonly path: string;
  constructor(path: string, message: string) {
    super('io', message, EXIT.usage);
    this.name = 'IoError';
    this.path = path;
  }
}

/** Turns a Node fs error into a one-line IoError. */
export function ioErrorFrom(path: string, error: unknown, verb = 'read'): IoError {
  return new IoError(path, `cannot ${verb} ${path}: ${ioReason(error)}`);
}

/** Why a file operation failed, in a user's words (`no such file`), not the system's (`ENOENT: ...`). */
export function ioReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  return code === 'ENOENT' ? 'no such file'
    : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
    : code === 'EISDIR' ? 'is a directory'
    : code === 'ENOTDIR' ? 'a parent is not a directory'
    : code === 'EEXIST' ? 'a file is in the way of a directory'
    : code === 'EROFS' ? 'read-only file system'
    : code === 'ENAMETOOLONG' ? 'the name is too long'
    : code === 'ELOOP' ? 'too many levels of symbolic links'
    : code === 'ENOSPC' ? 'no space left on the device'
    : code === 'EFBIG' ? 'larger than the system lets a file be (ulimit -f)'
    : (error as Error)?.message ?? String(error);
}
