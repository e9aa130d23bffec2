/**
 * The producer's pipeline: raw inputs from a source -> normalised events -> the bus. Every input is either
 * published or counted as skipped under one reason, so `read = accepted + skipped` always holds. Sending
 * overlaps normalising (batch-sender.ts): the next batch is read and normalised while the last is on its way.
 * An archive's lines can be normalised on a worker thread, read ahead (normalised-batches.ts; by default for
 * an archive at `--speed max`, see `normaliseThread`); this loop still does all the counting, ranging, pacing
 * and sending, in the source's order.
 */
import { checkedEvent, type GeoEvent } from '../../common/node/event';
import { SkipCounter, Tally, type ApiErrorKind, type TagDropReason } from '../../common/browser/skip-reasons';
import type { EventMessage, EventPublisher } from '../../common/node/bus/bus';
import type { Speed } from '../../common/node/config';
import { resultsOf, type NormaliseResult } from './normalise/normalise';
import { inRange, type TimeRange } from '../../common/node/time-range';
import type { CountryLookup } from './normalise/country-lookup';
import type { Source } from './sources/source';
import { Pacer, waitFor } from './pacer';
import { BatchSender } from './batch-sender';
import { normalisedHere, normalisedInThread } from './normalised-batches';
import { NORMALISE_THREADS, type NormaliseThreads } from './normalise-thread';

export class ProducerStats {
  /**
   * Inputs read: posts, and lines or messages that are not posts (blank lines are not inputs). A line holding
   * an API page or a list counts as one input a post in it.
   */
  read = 0;
  /** Lines (or stream messages) read, blank ones left out: `read` differs only where a line held several posts. */
  lines = 0;
  accepted = 0;
  /** Accepted posts the bus has taken (acknowledged, for Kafka); the rest are on their way or held. */
  published = 0;
  readonly skipped = new SkipCounter();
  /** Hashtags left out of posts, by reason: tags, not inputs, so outside `read = accepted + skipped`. */
  readonly droppedTags = new Tally<TagDropReason>();
  /** Errors the X API listed in its answers (a page's, a stream's), by kind: outside `read = accepted + skipped` too. */
  readonly apiErrors = new Tally<ApiErrorKind>();
  /** Set when the source has been read to its end. */
  finished = false;
}

export interface PipelineOptions {
  source: Source;
  publisher: EventPublisher;
  lookup: CountryLookup;
  /** Pace of an archive; ignored for a live source, which paces itself. */
  speed: Speed;
  /** Only posts created in this range are published; the others are skipped as `out_of_range`. */
  range?: TimeRange | null;
  signal: AbortSignal;
  stats?: ProducerStats;
  now?: () => number;
  /**
   * Whether lines are normalised on a worker thread (normalise-thread.ts), read ahead of the pipeline: by
   * default for an archive (`source.live === false`) replayed as fast as it goes (`speed` max), where
   * `normaliseThreads` are enabled (the process's are where it has more than one core); not for a live source
   * or a paced replay, which the main thread keeps up with. The thread normalises with the world's borders
   * (`createCountryLookup()`), so a caller with a `lookup` of another kind turns it off.
   */
  normaliseThread?: boolean;
  /** Where the thread comes from: the process's by default (tests pass their own). */
  normaliseThreads?: NormaliseThreads;
}

/** Runs until the source ends or `signal` aborts; rejects when the source or the bus fails. */
export async function runPipeline(options: PipelineOptions): Promise<ProducerStats> {
  const { source, publisher, lookup, signal } = options;
  const range = options.range ?? null;
  const stats = options.stats ?? new ProducerStats();
  const now = options.now ?? Date.now;
  const pacer = !source.live && options.speed.kind === 'factor' ? new Pacer(options.speed.factor) : null;
  const sender = new BatchSender(publisher, (posts) => (stats.published += posts));
  const threads = options.normaliseThreads ?? NORMALISE_THREADS;
  const inThread = (options.normaliseThread ?? (!source.live && options.speed.kind === 'max')) && threads.enabled;
  const batches = inThread ? normalisedInThread(source.read(signal), lookup, threads, signal) : normalisedHere(source.read(signal), lookup);

  try {
    for await (const inputs of batches) {
      let ready: EventMessage[] = [];
      for (const input of inputs) {
        stats.lines += 1;
        if (input.apiErrors) stats.apiErrors.addAll(input.apiErrors);
        for (const found of resultsOf(input)) {
          const result = range === null || !found.ok || inRange(range, found.event.ts) ? found : OUT_OF_RANGE;
          const wait = result.ok ? (pacer?.delay(result.event.ts, now()) ?? 0) : 0;
          if (wait > 0) {
            // What came before this post is out before it waits for its time.
            await sender.add(ready);
            await sender.drain();
            ready = [];
            try {
              await waitFor(wait, signal);
            } catch {
              // Aborted while this post waited: it is neither sent nor counted, so read = accepted + skipped.
              return stats;
            }
          }
          stats.read += 1;
          if (result.droppedTags) stats.droppedTags.addAll(result.droppedTags);
          if (!result.ok) {
            stats.skipped.add(result.reason);
            continue;
          }
          ready.push(toMessage(result.event, now()));
          stats.accepted += 1;
        }
      }
      if (ready.length > 0) await sender.add(ready);
      if (signal.aborted) break;
    }
  } catch (error) {
    // The source failed, or the bus did (an `add` throws a failed send): what was accepted before is still
    // sent, and a source's failure is the one reported. A bus's failure is reported once, as it is.
    await sender.drain().catch((busError: unknown) => {
      if (busError === error) throw error;
      throw new Error(`${(error as Error).message} (and the bus failed too: ${(busError as Error).message})`, { cause: error });
    });
    throw error;
  }
  await sender.drain();
  stats.finished = !signal.aborted;
  return stats;
}

const OUT_OF_RANGE: NormaliseResult = { ok: false, reason: 'out_of_range' };

/**
 * The event checked against the contract, once, here where it is made, and frozen: the bus hands this very
 * object to the map-server in one process, and only Kafka serialises it.
 */
function toMessage(event: GeoEvent, nowMs: number): EventMessage {
  return { key: event.cc, event: checkedEvent(event), timestamp: nowMs };
}
