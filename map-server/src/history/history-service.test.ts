import { describe, expect, it } from 'vitest';
import { TrendEngine } from '../trend-engine';
import { HOUR_MS, LATE_MINUTES } from '../core/history/open-hours';
import { event } from '../../test/helpers';
import { MemoryShelf } from './bucket-shelf';
import { HISTORY_DEFAULTS, HistoryKeeper } from './history-keeper';
import { History } from './history-service';

/** An hour of 2025 (hours since the epoch), and when its posts arrive (ms): a day later, a replay. */
const H = Date.UTC(2025, 10, 20, 6) / HOUR_MS;
const ARRIVAL_MS = (H + 24) * HOUR_MS;

describe('history beside the engine', () => {
  it('closes no hour while history is taken from the others, and closes them once it is', () => {
    const engine = new TrendEngine();
    const { keeper } = HistoryKeeper.open(new MemoryShelf(), HISTORY_DEFAULTS, { warn: () => {} });
    const history = new History(keeper, engine);
    const importing = keeper.importer();
    for (const hour of [H, H + 1, H + 2]) engine.ingestEvent(event({ tags: ['a'], ts: hour * HOUR_MS + LATE_MINUTES * 60_000 }), ARRIVAL_MS);
    // Long idle and over: closed at once but for the import.
    history.tick(ARRIVAL_MS + HOUR_MS);
    expect([engine.openHours.openCount, keeper.stats().hours]).toEqual([3, 0]);
    importing.finish();
    const { countFrom, nextSeq } = keeper.restored(null);
    engine.openHours.resume(nextSeq, countFrom);
    history.tick(ARRIVAL_MS + HOUR_MS);
    // The newest hour stays open: the windows end in it.
    expect([engine.openHours.openCount, keeper.stats().hours]).toEqual([1, 2]);
  });
});
