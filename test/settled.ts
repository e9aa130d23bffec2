/**
 * Waiting for streams to stop moving, for tests that bound how far a reader runs ahead: polls a figure (bytes
 * read, decoded) until it has stayed the same over `polls` polls `everyMs` apart. Each poll is a turn of the
 * event loop, so the streams behind the figure take every read that completed meanwhile, on a busy machine
 * too, where one fixed wait may end before they even started.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface SettleOptions {
  polls?: number;
  everyMs?: number;
  /** A value past which there is no need to wait for the rest (a runaway reader would keep it growing). */
  enough?: (value: number) => boolean;
}

/** Resolves with `value()` once it has not changed over `polls` polls (5, 10 ms apart by default). */
export async function settled(value: () => number, { polls = 5, everyMs = 10, enough }: SettleOptions = {}): Promise<number> {
  let last = value();
  for (let same = 0; same < polls && !(enough?.(last) ?? false);) {
    await sleep(everyMs);
    const now = value();
    same = now === last ? same + 1 : 0;
    last = now;
  }
  return last;
}
