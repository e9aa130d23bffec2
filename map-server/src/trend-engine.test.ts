import v8 from 'node:v8';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EVENT_VERSION, checkedEvent, encodeEvent, type GeoEvent } from '../../common/node/event';
import type { Area, Bbox } from '../../common/browser/api';
import { WINDOW_NAMES } from '../../common/browser/windows';
import { tileBoundsAt } from '../../common/browser/web-mercator';
import { FRESH_MS, TrendEngine } from './trend-engine';
import type { EngineSnapshot } from './core/engine-snapshot';
import { GridIndex } from './core/grid-index';
import { NO_COUNTRY } from './core/post-counts';
import { HOUR_MS } from './core/history/open-hours';
import { event, minuteSave } from '../test/helpers';

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

  it('counts a post hours behind the live ones where it belongs, without showing it as new or stopping the clock', () => {
    const engine = new TrendEngine();
    const shown: string[] = [];
    engine.onAccepted((e) => shown.push(e.id));
    const now = START + 3 * 60 * MINUTE;
    engine.ingestEvent(event({ id: '1', tags: ['live'], ts: now - 1_000 }), now);
    engine.ingestEvent(event({ id: '3', tags: ['recent'], ts: now - FRESH_MS + 1_000 }), now);
    // Written beside the live posts, last: the synthetic world's past, or a straggler.
    engine.ingestEvent(event({ id: '2', tags: ['past'], ts: now - 2 * 60 * MINUTE }), now);
    const top = (window: '15m' | '6h') => engine.trends({ region: 'world', bbox: null, window, sort: 'top', limit: 10 }).trends.map((t) => t.tag);
    expect(top('6h')).toEqual(['live', 'past', 'recent']);
    // Counted, but neither a recent post nor a live dot (the hub hears only of fresh posts).
    expect(engine.posts({ region: 'world', bbox: null }, null, 10).map((p) => p.id)).toEqual(['3', '1']);
    expect(shown).toEqual(['1', '3']);
    // The windows still follow the clock: the old post did not move their end, so it did not stop them.
    engine.tick(now + 20 * MINUTE);
    expect(engine.windowsEndMs).toBe(now + 20 * MINUTE);
    expect(top('15m')).toEqual([]);
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

  it('keeps a post too old for the live windows in history, once', () => {
    const engine = new TrendEngine();
    engine.ingestEvent(event({ tags: ['now'], ts: START }), START);
    const old = event({ tags: ['old'], ts: START - 30 * 60 * MINUTE });
    expect(engine.ingestEvent(old, START)).toEqual({ ok: false, reason: 'stale' });
    expect(engine.ingestEvent(old, START)).toEqual({ ok: false, reason: 'duplicate' });
    const worldTags: Record<number, Record<string, number>> = {};
    engine.openHours.forEachOpen((hour, regions) => {
      worldTags[hour] = Object.fromEntries(regions.get('world')?.tags ?? []);
    });
    expect(worldTags).toEqual({ [Math.floor(old.ts / HOUR_MS)]: { old: 1 }, [Math.floor(START / HOUR_MS)]: { now: 1 } });
    // Not in the live windows.
    expect(engine.trends({ region: 'world', bbox: null, window: '24h', sort: 'top', limit: 5 }).trends.map((t) => t.tag)).toEqual(['now']);
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

/** Through the bytes the map-server writes to disk and reads back. */
function throughDisk(snapshot: EngineSnapshot): EngineSnapshot {
  return v8.deserialize(v8.serialize(snapshot)) as EngineSnapshot;
}

/** Places posts land in: three countries and the sea. */
const PLACES = [
  { cc: 'FR', lat: 48.85, lon: 2.35 },
  { cc: 'JP', lat: 35.68, lon: 139.69 },
  { cc: 'BR', lat: -22.9, lon: -43.2 },
  { cc: null, lat: 0.5, lon: -30.5 },
];
/** Tags by key, each with the spellings posts use for it. */
const SPELLINGS: Record<string, string[]> = {
  worldcup: ['WorldCup', 'worldcup', 'WORLDCUP'],
  paris: ['Paris', 'paris'],
  ai: ['AI', 'ai', 'Ai'],
  fra: ['FRA'],
  kpop: ['KPop', 'kpop'],
};
const KEYS = Object.keys(SPELLINGS);
const HOUR = 60 * MINUTE;

/** One thing that happens to an engine: the clock moves, then a new post, a redelivery or a tick. */
type Step =
  | {
      kind: 'post';
      advanceMs: number;
      lateMs: number;
      arrivalLagMs: number;
      place: number;
      jitter: number;
      tags: [number, number][];
      /** Posts made alike (each its own id): enough of a tag at once for it to rise. */
      copies: number;
    }
  | { kind: 'redeliver'; advanceMs: number; which: number }
  | { kind: 'tick'; advanceMs: number };

const advance = fc.oneof(
  { weight: 30, arbitrary: fc.integer({ min: 0, max: 3 * MINUTE }) },
  { weight: 3, arbitrary: fc.integer({ min: 30 * MINUTE, max: 3 * HOUR }) },
  { weight: 1, arbitrary: fc.integer({ min: 20 * HOUR, max: 26 * HOUR }) },
);
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.record({
      kind: fc.constant('post' as const),
      advanceMs: advance,
      // Mostly on time; some late by up to two hours, some by about a day (a few of those are stale).
      lateMs: fc.oneof(
        { weight: 6, arbitrary: fc.integer({ min: 0, max: 2 * MINUTE }) },
        { weight: 2, arbitrary: fc.integer({ min: 0, max: 2 * HOUR }) },
        { weight: 1, arbitrary: fc.integer({ min: 20 * HOUR, max: 25 * HOUR }) },
      ),
      // Live (arrives as it is made) or replayed (arrives long after).
      arrivalLagMs: fc.constantFrom(0, 1_000, 365 * 24 * HOUR),
      place: fc.nat(PLACES.length - 1),
      jitter: fc.double({ min: 0, max: 0.3, noNaN: true }),
      tags: fc.uniqueArray(fc.tuple(fc.nat(KEYS.length - 1), fc.nat(2)), { minLength: 1, maxLength: 3, selector: ([key]) => key }),
      copies: fc.oneof({ weight: 3, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.integer({ min: 2, max: 8 }) }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('redeliver' as const), advanceMs: advance, which: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('tick' as const), advanceMs: advance }) },
);

/** Plays steps into engines, all taking the same input; returns what each ingest answered. */
class Player {
  private clockMs = START;
  private readonly sent: { event: GeoEvent; arrivalLagMs: number }[] = [];
  private nextId = 1_000_000_000_000;

  play(steps: Step[], engines: TrendEngine[]): string[][] {
    const results = engines.map(() => [] as string[]);
    for (const s of steps) {
      this.clockMs += s.advanceMs;
      if (s.kind === 'tick') {
        for (const engine of engines) engine.tick(this.clockMs);
        continue;
      }
      const batch =
        s.kind === 'post' ? Array.from({ length: s.copies }, () => this.made(s)) : this.sent.slice(s.which % (this.sent.length + 1)).slice(0, 1);
      for (const sent of batch) {
        engines.forEach((engine, i) => {
          const result = engine.ingestEvent(sent.event, this.clockMs + sent.arrivalLagMs);
          results[i].push(result.ok ? 'ok' : result.reason);
        });
      }
    }
    return results;
  }

  private made(s: Extract<Step, { kind: 'post' }>): { event: GeoEvent; arrivalLagMs: number } {
    const place = PLACES[s.place];
    const event: GeoEvent = {
      v: EVENT_VERSION,
      id: String((this.nextId += 1)),
      ts: this.clockMs - s.lateMs,
      lat: place.lat + s.jitter,
      lon: place.lon + s.jitter,
      loc: 'point',
      cc: place.cc,
      tags: s.tags.map(([key]) => KEYS[key]),
      display: s.tags.map(([key, spelling]) => SPELLINGS[KEYS[key]][spelling % SPELLINGS[KEYS[key]].length]),
      text: `post ${this.nextId}`,
    };
    const sent = { event, arrivalLagMs: s.arrivalLagMs };
    this.sent.push(sent);
    return sent;
  }
}

const AREAS: Area[] = [
  { region: 'world', bbox: null },
  { region: 'FR', bbox: null },
  { region: 'JP', bbox: null },
  { region: 'BR', bbox: null },
  { region: 'view', bbox: PARIS },
  { region: 'view', bbox: [-25, 34, 45, 72] },
  { region: 'view', bbox: [170, -60, -20, 60] }, // across the antimeridian, Japan and Brazil in it
  { region: 'view', bbox: [-180, -90, 180, 90] },
];

const LABEL_BOXES: (Area['bbox'] & {})[] = [PARIS, [-25, 34, 45, 72], [170, -60, -20, 60]];

/** Every answer an engine gives, for every query kind. */
function everyAnswer(engine: TrendEngine) {
  const trends = AREAS.flatMap((area) =>
    WINDOW_NAMES.flatMap((window) => (['top', 'rising'] as const).map((sort) => engine.trends({ ...area, window, sort, limit: 10 }))),
  );
  const tagRegions = [...KEYS, 'unknown'].flatMap((tag) => WINDOW_NAMES.map((window) => engine.tagRegions({ tag, window, limit: 10 })));
  const posts = AREAS.flatMap((area) => [null, 'ai', 'worldcup'].map((tag) => engine.posts(area, tag, 20)));
  const labels = [null, ...LABEL_BOXES].flatMap((bbox) =>
    [1, 5, 11].flatMap((zoom) =>
      WINDOW_NAMES.flatMap((window) => (['top', 'rising'] as const).map((sort) => engine.labels({ bbox, zoom, window, sort, limit: 50 }))),
    ),
  );
  return { trends, tagRegions, posts, labels, windowsEndMs: engine.windowsEndMs, version: engine.version };
}

describe('TrendEngine rising labels', () => {
  // Level-8 tiles (zoom 7): Paris and Lyon apart. In Paris #steady comes 3 a minute for 24 h and #paris 1 a
  // minute, then #paris doubles for the last 3 h and #strike starts 40 minutes before the end at 1 a minute;
  // in Lyon #lyon comes 1 a minute all day, with #match at 3 a minute in its last 10 minutes; in Marseille
  // #calm comes 1 a minute all day and nothing rises.
  const PARIS_AT = { cc: 'FR', lat: 48.85, lon: 2.35 };
  const LYON_AT = { cc: 'FR', lat: 45.76, lon: 4.84 };
  const MARSEILLE_AT = { cc: 'FR', lat: 43.3, lon: 5.37 };
  const END = START + 24 * 60 * MINUTE - MINUTE;
  const engine = new TrendEngine();
  for (let ts = START; ts <= END; ts += MINUTE) {
    const left = (END - ts) / MINUTE;
    const add = (tags: string[], at: typeof PARIS_AT) => engine.ingestEvent(event({ tags, ts, ...at }), ts);
    add(['steady'], PARIS_AT);
    add(['steady'], PARIS_AT);
    add(['steady', 'paris'], PARIS_AT);
    if (left < 180) add(['paris'], PARIS_AT);
    if (left < 40) add(['strike'], PARIS_AT);
    add(['lyon'], LYON_AT);
    add(['calm'], MARSEILLE_AT);
    // Just past the east edge of Lyon's tile, on the hour: its own tile's posts, in no box of Lyon's tile.
    if (left % 60 === 0) add(['edge'], { ...LYON_AT, lon: tileBoundsAt(LYON_AT.lat, LYON_AT.lon, 8)[3] + 0.01 });
    if (left < 10) for (let i = 0; i < 3; i += 1) add(['match'], LYON_AT);
  }
  const FRANCE: Bbox = [-10, 40, 10, 55];
  /** Just inside the level-8 tile of `at`: a box is rounded outward to level-12 tiles, which then are that tile's. */
  const tileBox = (at: typeof PARIS_AT): Bbox => {
    const [south, west, north, east] = tileBoundsAt(at.lat, at.lon, 8);
    const inset = 1e-6;
    return [west + inset, south + inset, east - inset, north - inset];
  };

  it.each(WINDOW_NAMES)("writes each tile's rising tag with the score and count its own box's Rising gives (%s)", (window) => {
    const answer = engine.labels({ bbox: FRANCE, zoom: 7, window, sort: 'rising', limit: 50 });
    expect(answer).toMatchObject({ sort: 'rising', level: 8, approximate: false });
    expect(answer.labels.length).toBeGreaterThan(0);
    for (const at of [PARIS_AT, LYON_AT, MARSEILLE_AT]) {
      const label = answer.labels.find((l) => Math.abs(l.lat - at.lat) < 0.01 && Math.abs(l.lon - at.lon) < 0.01);
      const panel = engine.trends({ region: 'view', bbox: tileBox(at), window, sort: 'rising', limit: 10 });
      if (panel.trends.length === 0) {
        expect(label).toBeUndefined();
        continue;
      }
      const [first] = panel.trends;
      expect(label).toMatchObject({ tag: first.tag, count: first.count, posts: panel.total });
      expect(label!.score).toBeCloseTo(first.score, 9);
    }
    // The highest score first.
    const scores = answer.labels.map((label) => label.score!);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it('names what is rising, not what is largest, and only where something rises', () => {
    const top = engine.labels({ bbox: FRANCE, zoom: 7, window: '1h', sort: 'top', limit: 50 });
    expect(top.labels.map((label) => label.tag)).toEqual(['steady', 'calm', 'lyon', 'edge']);
    expect(top.labels.every((label) => label.score === undefined)).toBe(true);
    // Over the last hour against the 5 before: #strike's 40 from nothing scores 40, #match's 30 scores 30,
    // and #paris (120 where 84 were expected) only 3.9, behind #strike in its tile.
    const rising = engine.labels({ bbox: FRANCE, zoom: 7, window: '1h', sort: 'rising', limit: 50 });
    expect(rising.labels.map((label) => [label.tag, label.count, Math.round(label.score!)])).toEqual([
      ['strike', 40, 40],
      ['match', 30, 30],
    ]);
    expect(rising.from).toBe(top.from);
    // At 24h the last 6 h are scored against the 18 before, and the count is the window's.
    const day = engine.labels({ bbox: FRANCE, zoom: 7, window: '24h', sort: 'rising', limit: 50 });
    expect(day.labels.map((label) => [label.tag, label.count])).toEqual([
      ['strike', 40],
      ['match', 30],
    ]);
    // Over 15 minutes against the 45 before, #strike (15 where 8.3 were expected) scores 2.2, and #match 30.
    const quarter = engine.labels({ bbox: FRANCE, zoom: 7, window: '15m', sort: 'rising', limit: 50 });
    expect(quarter.labels.map((label) => [label.tag, Math.round(label.score! * 10) / 10])).toEqual([
      ['match', 30],
      ['strike', 2.2],
    ]);
    expect(engine.labels({ bbox: FRANCE, zoom: 7, window: '15m', sort: 'rising', limit: 1 }).labels.map((label) => label.tag)).toEqual(['match']);
    // Steady tags do not rise: Marseille's tile, where nothing grows, has no label in any window.
    for (const window of WINDOW_NAMES) {
      expect(engine.labels({ bbox: tileBox(MARSEILLE_AT), zoom: 7, window, sort: 'top', limit: 50 }).labels).toHaveLength(1);
      expect(engine.labels({ bbox: tileBox(MARSEILLE_AT), zoom: 7, window, sort: 'rising', limit: 50 }).labels).toEqual([]);
    }
  });
});

describe('TrendEngine labels and boxes past the tile budget', () => {
  it('say approximate, with the true top of every tile and every box count within the error of the count given', () => {
    const france24h = (engine: TrendEngine) => engine.trends({ region: 'view', bbox: [-5, 41, 10, 51], window: '24h', sort: 'top', limit: 50 });
    const busy = (engine: TrendEngine) => {
      // Three hours of 20 posts a minute in Paris, Lyon and Tokyo over 60 tags, one of them ahead in each city.
      const cities = [
        { cc: 'FR', lat: 48.85, lon: 2.35, lead: 'paris' },
        { cc: 'FR', lat: 45.76, lon: 4.84, lead: 'lyon' },
        { cc: 'JP', lat: 35.68, lon: 139.69, lead: 'tokyo' },
      ];
      for (let i = 0; i < 3 * 60 * 20; i += 1) {
        const city = cities[i % 3];
        const ts = START + Math.floor(i / 20) * MINUTE;
        const tags = i % 4 === 0 ? [city.lead] : [`t${(i * 7) % 60}`, city.lead === 'tokyo' ? 'ai' : 'cup'];
        engine.ingestEvent(event({ tags, ts, cc: city.cc, lat: city.lat, lon: city.lon }), ts);
      }
      return engine;
    };
    const labelsOf = (engine: TrendEngine) => [0, 4, 11].map((zoom) => engine.labels({ bbox: null, zoom, window: '24h', limit: 50 }));
    const exactEngine = busy(new TrendEngine());
    const boundedEngine = busy(new TrendEngine({ tileBudgetBytes: 3_000 }));
    const [exact, bounded] = [exactEngine, boundedEngine].map(labelsOf);
    expect(exact.every((answer) => !answer.approximate && answer.maxError === 0)).toBe(true);
    expect(bounded.every((answer) => answer.approximate && answer.maxError > 0)).toBe(true);
    bounded.forEach((answer, i) => {
      expect(answer.labels.length).toBeGreaterThan(0);
      for (const label of answer.labels) {
        const truth = exact[i].labels.find((l) => l.lat === label.lat && l.lon === label.lon)!;
        expect(label.posts).toBe(truth.posts);
        // Misra-Gries never counts more than there were: the true top has at least the summarised count.
        expect(label.count).toBeGreaterThanOrEqual(1);
        expect(label.count).toBeLessThanOrEqual(truth.count);
        expect(truth.count).toBeLessThanOrEqual(label.count + answer.maxError);
      }
    });
    // A box is read from the same counts: its posts exact, each count within the error said of the truth.
    for (const window of WINDOW_NAMES) {
      // Every tag of the exact run (no route caps the engine's limit), so that each one told can be looked up.
      const france = (engine: TrendEngine, limit: number) => engine.trends({ region: 'view', bbox: [-5, 41, 10, 51], window, sort: 'top', limit });
      const [truth, told] = [france(exactEngine, 1_000), france(boundedEngine, 50)];
      expect(truth).toMatchObject({ approximate: false, maxError: 0 });
      expect(told.total).toBe(truth.total);
      if (!told.approximate) expect(told.trends).toEqual(truth.trends.slice(0, 50));
      for (const trend of told.trends) {
        const real = truth.trends.find((t) => t.tag === trend.tag)?.count ?? 0;
        if (trend.count > real || real > trend.count + told.maxError)
          expect.fail(`${window} ${trend.tag}: ${real} posts, said ${trend.count} + ${told.maxError}`);
      }
    }
    expect(france24h(boundedEngine)).toMatchObject({ approximate: true });
    expect(() => new TrendEngine({ tileBudgetBytes: -1 })).toThrow(new RangeError("the tile counts' budget must be 0 or more bytes; got -1"));
    // Before the snapshot is read: a bad option is not a damaged save.
    expect(() => TrendEngine.restore(null as never, { tileBudgetBytes: -1 })).toThrow(
      new RangeError("the tile counts' budget must be 0 or more bytes; got -1"),
    );
  });
});

describe('TrendEngine snapshots', () => {
  it('restores an engine that answers every query as the saved one did, before and after more of the same posts', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 120 }), fc.array(step, { maxLength: 60 }), (before, after) => {
        const player = new Player();
        const a = new TrendEngine();
        player.play(before, [a]);
        const b = TrendEngine.restore(throughDisk(a.snapshot()));
        expect(everyAnswer(b)).toEqual(everyAnswer(a));
        const [fromA, fromB] = player.play(after, [a, b]);
        expect(fromB).toEqual(fromA);
        expect(everyAnswer(b)).toEqual(everyAnswer(a));
      }),
      {
        numRuns: 150,
        // Found by this property: a tag interned by a stale post and forgotten by the restored run's first
        // sweep, not the saved run's, came back with another spelling (the sweep's time is now saved).
        examples: [
          [
            [
              { kind: 'post', advanceMs: 10120595, lateMs: 0, arrivalLagMs: 0, place: 0, jitter: 0, tags: [[1, 0]], copies: 1 },
              { kind: 'redeliver', advanceMs: 141686, which: 0 },
              { kind: 'tick', advanceMs: 174138 },
              { kind: 'post', advanceMs: 92519, lateMs: 0, arrivalLagMs: 0, place: 0, jitter: 0, tags: [[1, 0]], copies: 1 },
              { kind: 'post', advanceMs: 129600, lateMs: 86258539, arrivalLagMs: 0, place: 0, jitter: 0, tags: [[0, 0]], copies: 1 },
            ],
            [{ kind: 'post', advanceMs: 81462, lateMs: 0, arrivalLagMs: 0, place: 0, jitter: 0, tags: [[1, 0]], copies: 1 }],
          ],
        ],
      },
    );
  });
});

describe('TrendEngine snapshots, one case at a time', () => {
  /** An engine that took a few live posts in France, the sea and Japan. */
  function busy(): TrendEngine {
    const engine = new TrendEngine();
    engine.ingestEvent(event({ tags: ['worldcup'], display: ['WorldCup'], ts: START }), START);
    engine.ingestEvent(event({ tags: ['worldcup', 'ai'], ts: START + MINUTE, cc: null, lat: 0, lon: -30 }), START + MINUTE);
    engine.ingestEvent(event({ tags: ['ai'], ts: START + 2 * MINUTE, cc: 'JP', lat: 35.7, lon: 139.7 }), START + 2 * MINUTE);
    return engine;
  }

  it('copies: the snapshot does not change as the engine goes on counting', () => {
    const engine = busy();
    const snapshot = engine.snapshot();
    const bytes = v8.serialize(snapshot);
    for (let i = 0; i < 50; i += 1) engine.ingestEvent(event({ tags: ['worldcup', 'later'], ts: START + 2 * MINUTE }), START + 2 * MINUTE);
    expect(v8.serialize(snapshot).equals(bytes)).toBe(true);
  });

  it('starts the per-process counters at 0, and keeps following the clock when the saved engine did', () => {
    const live = TrendEngine.restore(throughDisk(busy().snapshot()));
    expect(live.acceptedCount).toBe(0);
    expect(live.skips()).toEqual({});
    expect(counted(live).world).toBe(3);
    live.tick(START + 20 * MINUTE);
    expect(counted(live).world).toBe(0);

    const replay = new TrendEngine();
    replay.ingestEvent(event({ tags: ['old'], ts: START }), START + YEAR);
    const restored = TrendEngine.restore(throughDisk(replay.snapshot()));
    restored.tick(START + YEAR);
    expect(counted(restored)).toEqual({ world: 1, box: 1 });
  });

  it('restores an empty engine, and one whose windows moved past everything they held', () => {
    expect(everyAnswer(TrendEngine.restore(throughDisk(new TrendEngine().snapshot())))).toEqual(everyAnswer(new TrendEngine()));
    const emptied = busy();
    emptied.tick(START + 3 * 24 * HOUR);
    expect(everyAnswer(TrendEngine.restore(throughDisk(emptied.snapshot())))).toEqual(everyAnswer(emptied));
  });

  it('refuses a malformed snapshot with a RangeError that names the field', () => {
    const damagedBy = (change: (s: EngineSnapshot) => void) => {
      const s = throughDisk(busy().snapshot());
      change(s);
      return () => TrendEngine.restore(s);
    };
    expect(() => TrendEngine.restore(null as unknown as EngineSnapshot)).toThrow(new RangeError('snapshot: expected an object, got null'));
    expect(damagedBy((s) => (s.format = 99))).toThrow(new RangeError('format: is 99; this build reads formats 1, 2, 3, 4'));
    expect(damagedBy((s) => (s.counts.store.pairs = Array.from(s.counts.store.pairs) as never))).toThrow(
      new RangeError('counts.store.pairs: expected a Uint32Array, got Array'),
    );
    expect(damagedBy((s) => (s.counts.store.bucketPosts = s.counts.store.bucketPosts.subarray(1)))).toThrow(
      /^counts\.store\.bucketPosts: expected 3 entries, got 2$/,
    );
    expect(damagedBy((s) => (s.counts.dictionary.keys[1] = 'worldcup'))).toThrow(/^counts\.dictionary\.keys\[1\]: "worldcup" is there twice$/);
    expect(damagedBy((s) => s.counts.dictionary.keys.pop())).toThrow(/^counts\.dictionary\.display: expected 1 entries, got 2$/);
    expect(damagedBy((s) => (s.counts.store.pairs[0] = 7))).toThrow(/^counts\.store\.pairs: tag id 7 is not in the dictionary \(2 tags\)$/);
    expect(damagedBy((s) => (s.counts.grid = new GridIndex().snapshot()))).toThrow(/^counts\.grid: a snapshot of format 4 holds no grid$/);
    const unsorted = (s: EngineSnapshot) => Object.assign(s.seen, { sizes: Uint32Array.of(3, 0, 0), hashes: Float64Array.of(3, 2, 1) });
    expect(damagedBy(unsorted)).toThrow(/^seen\.hashes: the ids of minute \d+ are not in ascending order$/);
    expect(damagedBy((s) => (s.posts.events[0].lat = 100))).toThrow(/^posts\.events\[0\]: \/lat /);
    expect(damagedBy((s) => delete (s as Partial<EngineSnapshot>).followClock)).toThrow(/^followClock: expected true or false, got undefined$/);
    expect(damagedBy((s) => delete (s.counts as Partial<EngineSnapshot['counts']>).tiles)).toThrow(
      /^counts\.tiles: expected an object, got undefined$/,
    );
    expect(damagedBy((s) => (s.format = 1))).toThrow(/^counts\.tiles: a snapshot of format 1 holds no tile counts$/);
    // Format 1's grid is read, and checked as it is: a post cut off, another layout.
    const format1 = (change: (grid: ReturnType<GridIndex['snapshot']>) => void) =>
      damagedBy((s) => {
        const grid = new GridIndex();
        grid.add(START / MINUTE, 48.85, 2.35, [0]);
        change((s.counts.grid = grid.snapshot()));
        s.format = 1;
        delete s.counts.tiles;
      });
    expect(format1((grid) => (grid.words[1] = 0xffffffff))).toThrow(/^counts\.grid\.words \(array \d+\): the post at word 1 is cut off/);
    expect(format1((grid) => (grid.layout.fineDegrees = 0.05))).toThrow(
      /^counts\.grid\.layout\.fineDegrees: saved with 0\.05, this build uses 0\.1$/,
    );
  });

  it('reads a format 1 snapshot (before tile counts): every answer as it was, the tile counts rebuilt from the grid', () => {
    // Posts at the centres of their 0.1° grid cells, where the grid keeps them: the rebuilt labels are then exact.
    const engine = new TrendEngine();
    const centres = [
      { cc: 'FR', lat: 48.85, lon: 2.35 },
      { cc: null, lat: 0.05, lon: -29.95 },
      { cc: 'JP', lat: 35.65, lon: 139.75 },
    ];
    const posted = [
      ...centres.map((place, i) => event({ tags: i === 1 ? ['ai', 'worldcup'] : ['ai'], ts: START + i * MINUTE, ...place })),
      event({ tags: ['worldcup'], ts: START + 2 * HOUR, ...centres[0] }),
      // 23 hours on: every post is in the 24 h windows of that build (a ring of minutes) and of this one.
      event({ tags: ['later'], ts: START + 23 * HOUR, ...centres[2] }),
    ];
    for (const post of posted) expect(engine.ingestEvent(post, post.ts).ok).toBe(true);
    // What that build saved: the same counts, and the posts on the grid instead of the tile counts.
    const grid = new GridIndex();
    const ids = (tags: string[]) => tags.map((tag) => engine.snapshot().counts.dictionary.keys.indexOf(tag));
    for (const post of posted) grid.add(Math.floor(post.ts / MINUTE), post.lat, post.lon, ids(post.tags));
    const old = throughDisk(engine.snapshot());
    old.format = 1;
    delete old.counts.tiles;
    old.counts.grid = grid.snapshot();
    const leafOf = (post: GeoEvent) => post.cc ?? NO_COUNTRY;
    old.counts.store = minuteSave(
      posted.map((post) => ({ ts: post.ts, leaf: leafOf(post), tagIds: ids(post.tags) })),
      posted[posted.length - 1].ts,
      old.counts.store.version,
    );
    const upgraded = TrendEngine.restore(old);
    expect(everyAnswer(upgraded)).toEqual(everyAnswer(engine));
    expect(everyAnswer(engine).labels.filter((answer) => answer.labels.length > 0).length).toBeGreaterThan(10);
  });

  it('forgets, restored with a shorter dedupe horizon, the ids it would no longer hold once the newest post moves on', () => {
    const engine = new TrendEngine({ dedupeHorizonMs: 6 * HOUR });
    const early = event({ tags: ['a'], ts: START });
    engine.ingestEvent(early, START);
    engine.ingestEvent(event({ tags: ['a'], ts: START + 2 * HOUR }), START + 2 * HOUR);
    const snapshot = throughDisk(engine.snapshot());
    expect(TrendEngine.restore(snapshot, { dedupeHorizonMs: 6 * HOUR }).ingestEvent(early, START + 2 * HOUR)).toEqual({
      ok: false,
      reason: 'duplicate',
    });
    const shorter = TrendEngine.restore(snapshot);
    shorter.ingestEvent(event({ tags: ['a'], ts: START + 2 * HOUR + 60_000 }), START + 2 * HOUR + 60_000);
    expect(shorter.ingestEvent(early, START + 2 * HOUR + 60_000).ok).toBe(true);
    expect(() => TrendEngine.restore(null as unknown as EngineSnapshot, { dedupeHorizonMs: -1 })).toThrow(
      'the dedupe horizon must be 0 ms or more; got -1',
    );
  });
});
