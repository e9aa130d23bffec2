/**
 * The one logger of a process (pino), handed to Fastify, the bus adapters and the producer, so that every
 * line has one shape: JSON lines for machines (LOG_FORMAT=json), or lines a person can scan on a terminal
 * (LOG_FORMAT=pretty: `[14:02:11] WARN: message key=value`). Both write synchronously to stdout, and
 * pino-pretty runs in this thread rather than as a worker transport, so a line logged just before a crash
 * or an exit is never lost. Logging is rare here (requests are not logged one by one), so a synchronous
 * write costs nothing that matters.
 */
import pino, { type DestinationStream, type Logger } from 'pino';
import pinoPretty from 'pino-pretty';
import type { BusLog } from './bus/bus-log';
import type { Config } from './config';

export type { Logger };

/** Keys every line carries, shown by the pretty prefix or left out of it. */
const PREFIX_KEYS = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'err']);

export function createLogger(
  options: Pick<Config, 'logLevel' | 'logFormat'>,
  destination: DestinationStream = pino.destination({ dest: 1, sync: true }),
): Logger {
  const stream = options.logFormat === 'json' ? destination : prettyStream(destination);
  return pino({ level: options.logLevel }, stream);
}

/** What the bus adapters and the sources log through. */
export function busLog(logger: Logger): BusLog {
  return {
    info: (message) => logger.info(message),
    warn: (message) => logger.warn(message),
    error: (message) => logger.error(message),
  };
}

function prettyStream(destination: DestinationStream): DestinationStream {
  const pretty = pinoPretty.prettyFactory({
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname',
    // Fields go on the message's own line as key=value (prettyMessage), not below it as an object.
    hideObject: true,
    messageFormat: (log, messageKey) => prettyMessage(log, messageKey),
  });
  return { write: (line: string) => destination.write(pretty(line)) };
}

/**
 * The text of a pretty line after its time and level: the message, then each other field as key=value
 * (nested fields joined with dots), then the stack of a logged error on the lines below. Control characters
 * are escaped, so text from the network cannot break a line or move the cursor.
 */
export function prettyMessage(log: Record<string, unknown>, messageKey = 'msg'): string {
  const message = log[messageKey];
  const parts = [clean(typeof message === 'string' ? message : message === undefined || message === null ? '' : JSON.stringify(message))];
  for (const [key, value] of Object.entries(log)) {
    if (!PREFIX_KEYS.has(key) && key !== messageKey) parts.push(...fields(key, value));
  }
  let line = parts.filter((part) => part !== '').join(' ');
  const err = log.err as { message?: unknown; stack?: unknown } | undefined;
  if (err !== undefined && err !== null) {
    if (typeof err.message === 'string' && err.message !== log[messageKey]) line += ` err=${quote(err.message)}`;
    if (typeof err.stack === 'string') line += `\n    ${err.stack.split('\n').join('\n    ')}`;
  }
  return line;
}

function fields(key: string, value: unknown): string[] {
  if (Array.isArray(value)) return [`${key}=${value.map((v) => quote(String(v))).join(',')}`];
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([inner, v]) => fields(`${key}.${inner}`, v));
  }
  return [`${key}=${typeof value === 'string' ? quote(value) : String(value)}`];
}

/** A value with spaces or quotes is quoted, so that the fields of a line stay apart. */
function quote(value: string): string {
  return /[\s"=]/.test(value) || value === '' ? JSON.stringify(value) : clean(value);
}

function clean(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point: they are escaped
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1));
}
