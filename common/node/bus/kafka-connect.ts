/**
 * Connecting to Kafka when the broker may not be there yet: the map-server serves (and reports `degraded`)
 * and the producer holds its posts while the first connection is retried with back-off, forever, until it
 * is made or the adapter is closed. The log says once what is wrong, with how to start a local broker (and
 * again only for a different reason), and once when the connection is made: not a line every retry.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Backoff, type BackoffPolicy } from '../../browser/backoff';
import type { BusLog } from './bus-log';

/**
 * Wait between two attempts: doubling from 0.5 s up to 10 s, so a broker that appears is found within 10 s.
 * No jitter: one process retries one broker list, there is no crowd to spread out.
 */
export const CONNECT_BACKOFF: BackoffPolicy = { initialMs: 500, maxMs: 10_000, jitter: [1, 1] };

/** Most distinct failure reasons remembered as already logged (a bound, not a limit anyone should reach). */
const MAX_REASONS = 20;

export interface ConnectOptions {
  brokers: string[];
  /**
   * What the adapter does meanwhile, for the log: e.g. 'holding posts until it answers'; null to log
   * nothing about connecting (another adapter of the process to the same brokers says it already).
   */
  meanwhile: string | null;
  log: BusLog;
  /** Aborted when the adapter closes: the attempts stop and `connectWithBackoff` resolves null. */
  signal: AbortSignal;
  /** Told each failure's reason, e.g. for `/api/health`. */
  onFailure?: (reason: string) => void;
  /** Default `CONNECT_BACKOFF`. */
  backoff?: BackoffPolicy;
}

/**
 * Runs `attempt` until it resolves, and returns what it resolved with; null when `signal` aborts first.
 * `probe`, when given, runs before each attempt and rejects when no broker answers (`brokerProbe`: in
 * milliseconds for an absent broker, seconds for one that never answers), so that an attempt, whose kafkajs
 * requests wait ~30 s each, is made only once a broker answers. An abort does not wait for a probe in
 * flight: it is left to end on its own timeout, so that a stop during an outage is not held up by it.
 */
export async function connectWithBackoff<T>(attempt: () => Promise<T>, options: ConnectOptions, probe?: () => Promise<void>): Promise<T | null> {
  const { brokers, log, signal } = options;
  const backoff = new Backoff(options.backoff ?? CONNECT_BACKOFF);
  const reported = new Set<string>();
  for (let attempts = 1; !signal.aborted; attempts += 1) {
    try {
      if (probe) await unlessAborted(probe(), signal);
      const value = await attempt();
      if (attempts > 1 && options.meanwhile !== null) log.info(`kafka: connected to ${brokers.join(',')} after ${attempts} attempts`);
      return value;
    } catch (error) {
      if (signal.aborted) break;
      const reason = (error as Error).message ?? String(error);
      options.onFailure?.(reason);
      if (options.meanwhile !== null && !reported.has(reason) && reported.size < MAX_REASONS) {
        reported.add(reason);
        log.warn(failureLine(brokers, reason, isUnreachable(error), options.meanwhile));
      }
      try {
        await sleep(backoff.next(), undefined, { signal });
      } catch {
        break; // aborted while waiting
      }
    }
  }
  return null;
}

/** `work`, or a rejection as soon as `signal` aborts; `work` goes on, and how it ends is ignored. */
function unlessAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  work.catch(() => undefined);
  if (signal.aborted) return Promise.reject(new Error('aborted'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** The one line that says what is wrong and what to do about it. */
export function failureLine(brokers: string[], reason: string, unreachable: boolean, meanwhile: string): string {
  const where = brokers.join(',');
  if (!unreachable) return `kafka: cannot start on ${where} (${reason}); ${meanwhile}, retrying with back-off`;
  return (
    `kafka: cannot reach a broker at ${where} (${reason}); ${meanwhile}, retrying with back-off. ` +
    'Is KAFKA_BROKERS right and the broker running? `npm run kafka:local` starts a local one on 127.0.0.1:9092'
  );
}

/** kafkajs's errors for a broker that cannot be reached, or that takes the connection and never answers. */
const UNREACHABLE_ERRORS = new Set(['KafkaJSConnectionError', 'KafkaJSRequestTimeoutError']);

/** Whether kafkajs failed to reach any broker at all (as opposed to a broker refusing a request). */
export function isUnreachable(error: unknown): boolean {
  for (let e = error as { name?: string; message?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (UNREACHABLE_ERRORS.has(e.name ?? '') || /Connection (error|timeout)|ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH/.test(e.message ?? ''))
      return true;
  }
  return false;
}
