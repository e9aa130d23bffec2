import { describe, expect, it } from 'vitest';
import { checkedEvent, encodeEvent } from '../../common/node/event';
import type { Bbox } from '../../common/browser/api';
import { TrendEngine } from './trend-engine';
import { event } from '../test/helpers';

const MINUTE = 60_000;
const START = Date.UTC(2026, 2, 1, 12, 0); // on a minute boundary
const PARIS: Bbox = [2, 48, 3, 49];
const YEAR = 365 * 24 * 60 * MINUTE;

/** The 15m posts of the world (from the windows) and of a box round Paris (from the grid). */
function counted(engine: TrendEngine): { world: number; box: number } {
  return {
    world: engine.trends({ region: 'world', bbox: null, window: '15m', sort: 'top', limit: 10 }).total,
    box: engine.trends({ region: 'view', bbox: PARIS, window: '15m', sort: 'top', limit: 10 }).total,
  };
}

describe('TrendEngine', () => {
  it('moves the windows and the grid with the clock together while the stream is live', () => {
    const engine = new TrendEngine();
    engine.ingestEvent(event({ tags: ['live'], ts: START }), START + 1_000);
    expect(counted(engine)).toEqual({ world: 1, box: 1 });
    engine.tick(START + 14 * MINUTE + 59_999);
    expect(counted(engine)).toEqual({ world: 1, box: 1 });
    expect(engine.windowsEndMs).toBe(START + 14 * MINUTE + 59_999);
    engine.tick(START + 15 * MINUTE);
    // Out of the 15m window of both at the same tick: a box is read up to the same end as a region.
    expect(counted(engine)).toEqual({ world: 0, box: 0 });
    expect(engine.windowsEndMs).toBe(START + 15 * MINUTE);
  });

  it("leaves a replay's windows at its own newest post whatever the clock says", () => {
    const engine = new TrendEngine();
    engine.ingestEvent(event({ tags: ['old'], ts: START }), START + YEAR);
    engine.tick(START + YEAR);
    expect(counted(engine)).toEqual({ world: 1, box: 1 });
    expect(engine.windowsEndMs).toBe(START);
  });

  it('counts what it accepted and what it skipped, by reason, and moves its version only on a change', () => {
    const engine = new TrendEngine();
    const first = event({ tags: ['a'], ts: START });
    expect(engine.ingest(encodeEvent(checkedEvent(first)), START).ok).toBe(true);
    const version = engine.version;
    expect(engine.ingest('{"not":"an event"}', START)).toMatchObject({ ok: false, reason: 'invalid_event' });
    expect(engine.ingestEvent(first, START)).toEqual({ ok: false, reason: 'duplicate' });
    expect(engine.ingestEvent(event({ tags: ['a'], ts: START + 10 * MINUTE }), START)).toEqual({ ok: false, reason: 'future' });
    expect(engine.ingestEvent(event({ tags: ['a'], ts: START - 25 * 60 * MINUTE }), START)).toEqual({ ok: false, reason: 'stale' });
    expect(engine.version).toBe(version);
    expect(engine.ingestEvent(event({ tags: ['b'], ts: START + 1 }), START).ok).toBe(true);
    expect(engine.version).toBeGreaterThan(version);
    expect(engine.acceptedCount).toBe(2);
    expect(engine.skips()).toEqual({ invalid_event: 1, duplicate: 1, future: 1, stale: 1 });
    expect(engine.windowsEndMs).toBe(START + 1);
  });

  it('answers recent posts from what it accepted, newest first, by area and tag', () => {
    const engine = new TrendEngine();
    const paris = event({ tags: ['a'], ts: START });
    const tokyo = event({ tags: ['a', 'b'], ts: START + 1, cc: 'JP', lat: 35.7, lon: 139.7 });
    for (const post of [paris, tokyo]) engine.ingestEvent(post, START);
    expect(engine.posts({ region: 'world', bbox: null }, 'a', 10).map((p) => p.id)).toEqual([tokyo.id, paris.id]);
    expect(engine.posts({ region: 'view', bbox: PARIS }, null, 10).map((p) => p.id)).toEqual([paris.id]);
    expect(engine.posts({ region: 'world', bbox: null }, 'b', 10).map((p) => p.id)).toEqual([tokyo.id]);
  });
});
