/**
 * A source of raw posts. Sources know nothing of normalisation or publishing: they yield what they read,
 * and the pipeline (`producer/src/pipeline.ts`) turns it into events.
 */

/** One raw input: a line as read from a file or stream, or an already-parsed object (synthetic). */
export type RawInput = string | object;

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
}
