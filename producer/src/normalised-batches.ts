/**
 * A source's batches, normalised: for each batch, the result of each of its inputs (blank lines, which are
 * not inputs, left out), in order. The pipeline counts, ranges, paces and sends them; only the normalising
 * happens here.
 *
 * On the main thread, a batch is normalised when the pipeline asks for it, as it always was. With a
 * normalising thread (`normalise-thread.ts`), a reader runs ahead of the pipeline: it takes batches from
 * the source and sends their lines to the thread, up to `READ_AHEAD_BATCHES` on their way, while the
 * pipeline works through the results of earlier ones, taken strictly in order. The first lines of a run,
 * and those read while its thread loads, the reader normalises on the main thread itself. Inputs that are
 * not lines (a `SkippedInput`, a parsed object) are normalised on the main thread when their batch's answer
 * comes, and put back in their places.
 */
import { normaliseInput, normaliseLine, type InputResult } from './normalise/normalise';
import type { CountryLookup } from './normalise/country-lookup';
import { SkippedInput, type RawInput } from './sources/source';
import type { NormaliseThread, NormaliseThreads } from './normalise-thread';

/**
 * Batches on their way to the thread or back, not yet taken by the pipeline: 8 batches of up to 256 lines
 * (`BATCH_LINES`) keep the thread busy while the pipeline sends. With 4, the thread waited about 12 % of the
 * time for lines while answers it had given waited to be taken (the pipeline takes them in bursts), and the
 * handover bench ran 7–11 % slower; 16 gained no more. A batch is cut once it holds 1 MB of text
 * (`BATCH_CHARS`), and a line holds 1 MB at most (`MAX_LINE_BYTES`), so a batch holds under 2 MB: with the
 * one the reader holds while it waits for room, the read-ahead holds 18 M characters of line text at most (and
 * their results).
 */
export const READ_AHEAD_BATCHES = 8;

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
  for await (const batch of batches) yield normaliseHere(inputsOf(batch), lookup);
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
 * Each batch's results, with the lines normalised by a thread of `threads`, read ahead. The run normalises
 * its first `threads.startAfterLines` lines on the main thread, then starts its thread, and goes on
 * normalising here until the thread has loaded (or for good, when none can start or load). Stops reading
 * ahead when the pipeline stops taking batches or `signal` aborts; a failure of the source comes after the
 * batches read before it, a failure of the thread at the first batch it did not answer. The thread ends
 * with the run, whichever way it ends.
 */
export async function* normalisedInThread(
  batches: AsyncIterable<RawInput[]>,
  lookup: CountryLookup,
  threads: NormaliseThreads,
  signal: AbortSignal,
): AsyncGenerator<InputResult[]> {
  const onTheirWay: Promise<InputResult[]>[] = [];
  const arrived = new Wake();
  const room = new Wake();
  let stopped = false;
  let ended = false;
  let failure: { error: unknown } | null = null;
  let thread: NormaliseThread | null = null;
  let started = false;
  let lines = 0;
  let stopNow = () => {};
  /** Settles when the run stops or is aborted: a reader waiting for the thread to load waits no longer. */
  const stopping = new Promise<void>((resolve) => (stopNow = resolve));
  signal.addEventListener('abort', stopNow, { once: true });

  const reader = (async () => {
    try {
      for await (const batch of batches) {
        // A stop that came while the source was read: no thread is started for a batch nobody takes.
        if (stopped || signal.aborted) break;
        const inputs = inputsOf(batch);
        if (!started && lines >= threads.startAfterLines) {
          started = true;
          thread = threads.start();
          // A thread that fails to load leaves `isReady` false: the lines are then normalised here.
          if (thread !== null && threads.waitUntilReady) await Promise.race([thread.ready.catch(() => {}), stopping]);
        }
        lines += inputs.length;
        // While the thread loads, a turn of the event loop a batch lets its word that it is ready in, whatever
        // the source is: one whose batches come without I/O would otherwise keep it out to the end.
        if (thread?.isLoading === true) await new Promise(setImmediate);
        const results = thread?.isReady === true ? normaliseBatch(inputs, lookup, thread) : Promise.resolve(normaliseHere(inputs, lookup));
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
      // Nothing is taken after a stop, nor waited for.
      if (signal.aborted) return;
      if (onTheirWay.length > 0) {
        // Taken off the list only once answered: until then it counts among the batches on their way.
        const results = await onTheirWay[0];
        void onTheirWay.shift();
        room.notify();
        // A batch answered after a stop is not the pipeline's to send.
        if (signal.aborted) return;
        yield results;
      } else if (ended) {
        if (failure !== null) throw (failure as { error: unknown }).error;
        return;
      } else {
        await arrived.wait();
      }
    }
  } finally {
    stopped = true;
    stopNow();
    signal.removeEventListener('abort', stopNow);
    room.notify();
    // The thread never outlives its run (it would keep the process alive), and ends before the reader does:
    // the reader leaves the source only at its next batch (the source is closed before the pipeline ends).
    const ending = (thread as NormaliseThread | null)?.terminate();
    await reader;
    await ending;
  }
}

/** A batch's results, all normalised on this thread. */
function normaliseHere(inputs: RawInput[], lookup: CountryLookup): InputResult[] {
  return inputs.map((raw) => normalise(raw, lookup));
}

/** A batch's results: its lines by the thread, its other inputs here, in order. */
async function normaliseBatch(inputs: RawInput[], lookup: CountryLookup, thread: NormaliseThread): Promise<InputResult[]> {
  const lines = inputs.filter((raw): raw is string => typeof raw === 'string');
  if (lines.length === 0) return normaliseHere(inputs, lookup);
  const lineResults = await thread.normalise(lines);
  let next = 0;
  return inputs.map((raw) => (typeof raw === 'string' ? lineResults[next++] : normalise(raw, lookup)));
}
