import { describe, expect, it } from 'vitest';
import { MAX_TIMER_MS, Pacer, waitFor } from './pacer';

describe('Pacer', () => {
  it('keeps the original spacing at 1x and divides it by the factor otherwise', () => {
    const once = new Pacer(1);
    expect(once.delay(1_000_000, 50)).toBe(0);
    expect(once.delay(1_000_000 + 2_000, 50)).toBe(2_000);
    expect(once.delay(1_000_000 + 2_000, 1_050)).toBe(1_000);
    const tenfold = new Pacer(10);
    tenfold.delay(0, 0);
    expect(tenfold.delay(60_000, 0)).toBe(6_000);
  });

  it('publishes a post older than the first at once', () => {
    const pacer = new Pacer(1);
    pacer.delay(5_000, 0);
    expect(pacer.delay(1_000, 0)).toBe(0);
  });

  it('refuses a factor that is not positive', () => {
    expect(() => new Pacer(0)).toThrow(/positive/);
  });
});

describe('waitFor', () => {
  const recorder = () => {
    const waits: number[] = [];
    const sleep = async (ms: number) => void waits.push(ms);
    return { waits, sleep };
  };

  it('waits past what one timer can (a gap of 40 days in an archive) as several timers, to the ms', async () => {
    const { waits, sleep } = recorder();
    const days40 = 40 * 86_400_000;
    await waitFor(days40, new AbortController().signal, sleep);
    expect(waits).toEqual([MAX_TIMER_MS, days40 - MAX_TIMER_MS]);
    // At the edge: the longest one timer takes is one timer, a ms more is two.
    waits.length = 0;
    await waitFor(MAX_TIMER_MS, new AbortController().signal, sleep);
    await waitFor(MAX_TIMER_MS + 1, new AbortController().signal, sleep);
    expect(waits).toEqual([MAX_TIMER_MS, MAX_TIMER_MS, 1]);
  });

  it('waits a short time as one timer, and nothing for nothing', async () => {
    const { waits, sleep } = recorder();
    await waitFor(250, new AbortController().signal, sleep);
    await waitFor(0, new AbortController().signal, sleep);
    expect(waits).toEqual([250]);
  });

  it('stops at an abort, with the timer of Node', async () => {
    const controller = new AbortController();
    const waiting = waitFor(3 * MAX_TIMER_MS, controller.signal);
    controller.abort();
    await expect(waiting).rejects.toThrow(/abort/i);
  });
});
