/**
 * A source's batches, normalised: for each batch, the result of each of its inputs (blank lines, which are
 * not inputs, left out), in order. The pipeline counts, ranges, paces and sends them; only the normalising
 * happens here.
 *
 * On the main thread, a batch is normalised when the pipeline asks for it, as it always was. With a
 * normalising thread (`normalise-thread.ts`), a reader runs ahead of the pipeline: it takes batches from
 * the source and sends their lines to the thread, up to `READ_AHEAD_BATCHES` on their way, while the
 * pipeline works through the results of earlier ones, taken strictly in order. Inputs that are not lines
 * (a `SkippedInput`, a parsed object) are normalised on the main thread when their batch's answer comes,
 * and put back in their places.
 */
import { normaliseInput, normaliseLine, type InputResult } from './normalise/normalise';
import type { CountryLookup } from './normalise/country-lookup';
import { SkippedInput, type RawInput } from './sources/source';
import type { NormaliseThread } from './normalise-thread';

/**
 * Batches on their way to the thread or back, not yet taken by the pipeline: 4 × 256 lines (`BATCH_LINES`)
 * keep the thread busy while the pipeline sends, and hold at most 4 MB of line text (`BATCH_CHARS`).
 */
export const READ_AHEAD_BATCHES = 4;

/** One input's events, or why there are none: an input the source could not hand on keeps its reason. */
export function normalise(raw: RawInput, lookup: CountryLookup): InputResult {
  if (raw instanceof SkippedInput) return { ok: false, reason: raw.reason };
  return typeof raw === 'string' ? normaliseLine(raw, lookup) : normaliseInput(raw, lookup);
}

/** A batch's inputs: blank lines are stream keep-alives or gaps in a file, not inputs. */
function inputsOf(batch: RawInput[]): RawInput[] {
  return batch.filter((raw) => typeof raw !== 'string' || raw.trim() !== '');
}

/** Each batch's results, normalised on the main thread as the pipeline takes them. */
export async function* normalisedHere(batches: AsyncIterable<RawInput[]>, lookup: CountryLookup): AsyncGenerator<InputResult[]> {
  for await (const batch of batches) yield inputsOf(batch).map((raw) => normalise(raw, lookup));
}

/** Wakes one waiter, the next time something it waits for has happened. */
class Wake {
  private waiter: (() => void) | null = null;

  wait(): Promise<void> {
    return new Promise((resolve) => (this.waiter = resolve));
  }

  notify(): void {
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.();
  }
}

/**
 * Each batch's results, with the lines normalised by the thread `acquired` gives, read ahead. Where it gives
 * none (no thread could start), on the main thread. Stops reading ahead when the pipeline stops taking
 * batches or `signal` aborts; a failure of the source comes after the batches read before it, a failure of
 * the thread at the first batch it did not answer.
 */
export async function* normalisedInThread(
  batches: AsyncIterable<RawInput[]>,
  lookup: CountryLookup,
  acquired: Promise<NormaliseThread | null>,
  signal: AbortSignal,
): AsyncGenerator<InputResult[]> {
  const onTheirWay: Promise<InputResult[]>[] = [];
  const arrived = new Wake();
  const room = new Wake();
  let stopped = false;
  let ended = false;
  let failure: { error: unknown } | null = null;

  const reader = (async () => {
    try {
      for await (const batch of batches) {
        const results = normaliseBatch(inputsOf(batch), lookup, await acquired);
        results.catch(() => {}); // taken by the pipeline, unless it stopped before
        onTheirWay.push(results);
        arrived.notify();
        while (onTheirWay.length >= READ_AHEAD_BATCHES && !stopped) await room.wait();
        if (stopped || signal.aborted) break;
      }
    } catch (error) {
      failure = { error };
    } finally {
      ended = true;
      arrived.notify();
    }
  })();

  try {
    for (;;) {
      if (onTheirWay.length > 0) {
        // Taken off the list only once answered: until then it counts among the batches on their way.
        const results = await onTheirWay[0];
        void onTheirWay.shift();
        room.notify();
        yield results;
      } else if (ended) {
        if (failure !== null) throw (failure as { error: unknown }).error;
        return;
      } else {
        await arrived.wait();
      }
    }
  } finally {
    // The source is closed before the pipeline ends: the reader leaves it at its next batch.
    stopped = true;
    room.notify();
    await reader;
  }
}

/** A batch's results: its lines by the thread (or here, without one), its other inputs here, in order. */
async function normaliseBatch(inputs: RawInput[], lookup: CountryLookup, thread: NormaliseThread | null): Promise<InputResult[]> {
  const lines = inputs.filter((raw): raw is string => typeof raw === 'string');
  if (thread === null || lines.length === 0) return inputs.map((raw) => normalise(raw, lookup));
  const lineResults = await thread.normalise(lines);
  let next = 0;
  return inputs.map((raw) => (typeof raw === 'string' ? lineResults[next++] : normalise(raw, lookup)));
}
