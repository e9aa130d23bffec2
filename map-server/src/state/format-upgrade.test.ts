/**
 * Saves of older builds load in this one with every count they had:
 * - state format 1 (before tile counts): its tile counts are rebuilt from the grid's posts. The fixture was
 *   written by commit 6fd00f5 (`writeStateFile` + `v8.serialize(engine.snapshot())` after the six posts
 *   below, on Node 20).
 * - state format 2 (tile counts, and boxes counted from a grid of every post): the grid is let go. The
 *   fixture was written the same way by commit e2645bc, after the nine posts below, over more than 6 h, so
 *   it holds minute and 10-minute buckets (an hour bucket needed 7 h; the tile counts' own snapshot tests
 *   restore those).
 * So these read real files of those formats, not ones this build made up.
 */
import v8 from 'node:v8';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WINDOW_NAMES } from '../../../common/browser/windows';
import { EVENT_VERSION, type GeoEvent } from '../../../common/node/event';
import type { EngineSnapshot } from '../core/engine-snapshot';
import { TrendEngine } from '../trend-engine';
import { readStateFile } from './state-file';

const FIXTURE = fileURLToPath(new URL('../../../test/fixtures/state-format-1', import.meta.url));
const FIXTURE_2 = fileURLToPath(new URL('../../../test/fixtures/state-format-2', import.meta.url));
const START = Date.UTC(2026, 10, 20, 12);
/** At the centres of 0.1° cells, where the grid keeps posts, so the rebuilt labels sit exactly where this build's own would. */
const POSTS: Posted[] = [
  ['1', 'FR', 48.85, 2.35, ['WorldCup', 'Paris']],
  ['2', 'FR', 48.85, 2.35, ['WorldCup']],
  ['3', 'DE', 52.55, 13.45, ['WorldCup', 'GER']],
  ['4', null, 0.05, -29.95, ['Sea']],
  ['5', 'JP', 35.65, 139.75, ['AI']],
  ['6', 'FJ', -16.85, -179.95, ['Fiji']],
];

/** id, country, lat, lon, spellings. */
type Posted = [string, string | null, number, number, string[]];

/** A new engine given `posts` as the build that saved the fixture was, from `start`, `stepMinutes` apart. */
function freshWith(posts: readonly Posted[], start: number, stepMinutes: number): TrendEngine {
  const fresh = new TrendEngine();
  posts.forEach(([id, cc, lat, lon, display], i) => {
    const ts = start + i * stepMinutes * 60_000;
    const event: GeoEvent = { v: EVENT_VERSION, id, ts, lat, lon, loc: 'point', cc, tags: display.map((d) => d.toLowerCase()), display };
    expect(fresh.ingestEvent(event, ts).ok).toBe(true);
  });
  return fresh;
}

function answers(engine: TrendEngine) {
  return WINDOW_NAMES.flatMap((window) => [
    ...(['world', 'FR', 'DE'] as const).map((region) => engine.trends({ region, bbox: null, window, sort: 'top', limit: 10 })),
    engine.trends({ region: 'view', bbox: [170, -60, -20, 60], window, sort: 'rising', limit: 10 }),
    engine.tagRegions({ tag: 'worldcup', window, limit: 10 }),
    ...[1, 5, 11].map((zoom) => engine.labels({ bbox: null, zoom, window, limit: 50 })),
  ]);
}

describe('a format-1 save', () => {
  it('loads with every count it had, and its labels rebuilt', () => {
    const saved = readStateFile(FIXTURE);
    expect(saved?.header.run).toBe('a replay on the in-process bus');
    const loaded = TrendEngine.restore(v8.deserialize(saved!.payload) as EngineSnapshot);
    expect(answers(loaded)).toEqual(answers(freshWith(POSTS, START, 7)));
    expect(loaded.labels({ bbox: null, zoom: 2, window: '1h', limit: 10 }).labels.map((l) => [l.display, l.count])).toEqual([
      ['WorldCup', 3],
      ['AI', 1],
      ['Fiji', 1],
      ['Sea', 1],
    ]);
    expect(loaded.posts({ region: 'world', bbox: null }, null, 10).map((post) => post.id)).toEqual(['6', '5', '4', '3', '2', '1']);
  });
});

describe('a format-2 save', () => {
  const START_2 = Date.UTC(2026, 10, 25, 6);
  /** As commit e2645bc ingested them, 47 minutes apart. */
  const POSTS_2: Posted[] = [
    ['1', 'FR', 48.8566, 2.3522, ['WorldCup', 'Paris']],
    ['2', 'FR', 45.764, 4.8357, ['WorldCup']],
    ['3', 'DE', 52.52, 13.405, ['WorldCup', 'GER']],
    ['4', null, 0.2, -29.7, ['Sea']],
    ['5', 'JP', 35.6762, 139.6503, ['AI']],
    ['6', 'FJ', -16.8, -179.95, ['Fiji']],
    ['7', 'FJ', -17.7, 179.9, ['Fiji', 'Rugby']],
    ['8', 'DE', 48.1351, 11.582, ['worldcup']],
    ['9', 'FR', 48.8566, 2.3522, ['AI']],
  ];

  it('loads with every count it had, boxes counted from its tile counts', () => {
    const saved = readStateFile(FIXTURE_2);
    expect(saved?.header.run).toBe('a replay on the in-process bus');
    const snapshot = v8.deserialize(saved!.payload) as EngineSnapshot;
    expect(snapshot.format).toBe(2);
    expect(snapshot.counts.grid).toBeDefined();
    expect([...new Set(snapshot.counts.tiles!.bucketMinutes)].sort((a, b) => a - b)).toEqual([1, 10]);
    const loaded = TrendEngine.restore(snapshot);
    expect(answers(loaded)).toEqual(answers(freshWith(POSTS_2, START_2, 47)));
    const europe = loaded.trends({ region: 'view', bbox: [-10, 35, 20, 60], window: '24h', sort: 'top', limit: 10 });
    expect(europe.trends.map((trend) => [trend.display, trend.count])).toEqual([
      ['WorldCup', 4],
      ['AI', 1],
      ['GER', 1],
      ['Paris', 1],
    ]);
    expect(europe).toMatchObject({ total: 5, from: Date.UTC(2026, 10, 24, 12), approximate: false });
    // Saved again, in this build's format: without the grid.
    expect(loaded.snapshot().counts.grid).toBeUndefined();
  });
});
