/**
 * The conditions trendmap expects, and reports to a person as one line with no stack trace: each has a
 * stable code (for scripts, logs and tests; the wording of a message may change, its code does not) and the
 * exit code the process ends with. Anything else that is thrown is a bug: `runMain` prints its stack.
 */

/** Exit code of a run that failed for a reason outside the command line (a port in use, a refused token). */
export const EXIT_FAILURE = 1;
/** Exit code of a mistake on the command line or in the environment, as with a usage error. */
export const EXIT_USAGE = 2;

export type ErrorCode =
  /** A flag or environment variable is wrong or does not apply (exit 2). */
  | 'CONFIG_INVALID'
  /** `--source x` without a bearer token (exit 2). */
  | 'X_TOKEN_MISSING'
  /** The X filters cannot be written as stream rules (exit 2). */
  | 'X_FILTERS_INVALID'
  /** `--file` matches nothing that can be read (exit 2). */
  | 'ARCHIVE_NOT_FOUND'
  /** A service that only runs over Kafka was started without KAFKA_BROKERS (exit 2). */
  | 'KAFKA_REQUIRED'
  /** Something else listens on PORT (exit 1). */
  | 'PORT_IN_USE'
  /** PORT is privileged and this process may not listen on it (exit 1). */
  | 'PORT_NOT_PERMITTED'
  /** HOST is not an address of this machine, or does not resolve (exit 1). */
  | 'HOST_NOT_AVAILABLE'
  /** The X API refused the token, the access level or the request; retrying cannot help (exit 1). */
  | 'X_REFUSED'
  /** Another process uses DATA_DIR (exit 1). */
  | 'DATA_DIR_LOCKED'
  /** DATA_DIR cannot be created, read or written (exit 1). */
  | 'DATA_DIR_UNUSABLE'
  /** The state saved in DATA_DIR is damaged, of another format, or of another kind of run (exit 1). */
  | 'STATE_UNREADABLE';

/** An expected condition: its message is written for the person who can fix it. */
export class TrendmapError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A configuration mistake, found before anything starts. */
export class ConfigError extends TrendmapError {
  constructor(message: string, code: ErrorCode = 'CONFIG_INVALID') {
    super(code, message, EXIT_USAGE);
  }
}

/** The HTTP server could not listen on HOST:PORT. */
export class ListenError extends TrendmapError {
  constructor(code: 'PORT_IN_USE' | 'PORT_NOT_PERMITTED' | 'HOST_NOT_AVAILABLE', message: string) {
    super(code, message, EXIT_FAILURE);
  }
}

/** A failure of the X API that retrying cannot fix (bad token, no access, refused rules): the source stops. */
export class XFatalError extends TrendmapError {
  constructor(message: string) {
    super('X_REFUSED', message, EXIT_FAILURE);
  }
}

/** The data directory or the state saved in it cannot be used as it is: nothing is overwritten. */
export class StateError extends TrendmapError {
  constructor(code: 'DATA_DIR_LOCKED' | 'DATA_DIR_UNUSABLE' | 'STATE_UNREADABLE', message: string) {
    super(code, message, EXIT_FAILURE);
  }
}

/** Node's error codes for a HOST that is not an address of this machine (or of a family it does not have). */
const FOREIGN_HOST_CODES = new Set(['EADDRNOTAVAIL', 'EAFNOSUPPORT']);
/** Node's error codes for a HOST name that does not resolve. */
const UNRESOLVED_HOST_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL']);
/** What to set HOST to instead. */
const HOST_CHOICES = 'set HOST to one of its addresses, 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)';

/**
 * What a failed `listen` means to the person starting the server, naming the variable to change; null for
 * a failure that is not about the address (a bug, reported with its stack).
 */
export function listenError(error: unknown, port: number, host: string): ListenError | null {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'EADDRINUSE') {
    return new ListenError(
      'PORT_IN_USE',
      `port ${port} on ${host} is already in use: stop what is listening there, or set PORT to another port (PORT=0 picks a free one)`,
    );
  }
  if (code === 'EACCES') {
    return new ListenError(
      'PORT_NOT_PERMITTED',
      `port ${port} on ${host} needs privileges this process does not have (ports below 1024 usually do): set PORT to 1024 or above, e.g. PORT=3000`,
    );
  }
  if (code !== undefined && FOREIGN_HOST_CODES.has(code)) {
    return new ListenError('HOST_NOT_AVAILABLE', `HOST ${host} is not an address of this machine (${code}): ${HOST_CHOICES}`);
  }
  if (code !== undefined && UNRESOLVED_HOST_CODES.has(code)) {
    return new ListenError('HOST_NOT_AVAILABLE', `HOST ${host} does not resolve to an address (${code}): ${HOST_CHOICES}`);
  }
  return null;
}
