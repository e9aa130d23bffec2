/**
 * A source of raw posts. Sources know nothing of normalisation or publishing: they yield what they read,
 * and the pipeline (`producer/src/pipeline.ts`) turns it into events.
 */
import type { SkipReason } from '../../../common/browser/skip-reasons';

/**
 * One raw input: a line as read from a file or stream, an already-parsed object (synthetic), or an input
 * the source read but cannot hand on (`SkippedInput`).
 */
export type RawInput = string | object;

/**
 * An input the source read but cannot hand on, such as a line over the length limit: the pipeline counts
 * it as read and as skipped under `reason`, so that `read = accepted + skipped` still holds.
 */
export class SkippedInput {
  constructor(readonly reason: SkipReason) {}
}

/** How a source that holds a connection is doing, for `/api/health` and the progress line. */
export interface SourceState {
  state: 'connecting' | 'connected' | 'reconnecting' | 'finished' | 'failed';
  /** The last error, already stripped of anything secret. */
  lastError: string | null;
  /** Reconnections since the start. */
  reconnects: number;
}

export interface Source {
  /** A short name for logs ("synthetic", "replay"). */
  readonly name: string;
  /** True when posts arrive as they happen (their timestamps are "now"); false for an archive. */
  readonly live: boolean;
  /**
   * Yields raw inputs, in batches, until the source is exhausted or `signal` aborts. A live source paces
   * itself; an archive yields as fast as it is consumed (the pipeline paces it when asked to).
   */
  read(signal: AbortSignal): AsyncIterable<RawInput[]>;
  /** The connection's state, for sources that hold one (the X API stream). */
  state?(): SourceState;
}
