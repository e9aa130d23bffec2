/** Test helpers: events that satisfy the contract, and an engine-backed app without a bus. */
import { PRODUCER_STATUS_VERSION, type ProducerStatus } from '../../common/browser/api';
import { EVENT_VERSION, type GeoEvent } from '../../common/node/event';
import { modulo } from '../../common/browser/modulo';
import { MINUTE_TIER, TEN_MINUTE_TIER } from '../src/core/tiers';
import { BUCKET_MS, RING_BUCKETS, type WindowStoreSnapshot } from '../src/core/window-store';

let nextId = 1_850_006_781_237_256_000n;

/** A valid event; `tags` are keys and double as display forms unless `display` is given. */
export function event(partial: Partial<GeoEvent> & { tags: string[] }): GeoEvent {
  nextId += 1n;
  return {
    v: EVENT_VERSION,
    id: String(nextId),
    ts: Date.UTC(2014, 6, 13, 19, 0),
    lat: 48.8566,
    lon: 2.3522,
    loc: 'point',
    cc: 'FR',
    display: partial.display ?? partial.tags,
    ...partial,
  };
}

/** A producer's status as it arrives on the bus: `producer` 'p1', running, nothing read, unless `partial` says. */
export function producerStatus(partial: Partial<ProducerStatus> = {}): ProducerStatus {
  return {
    v: PRODUCER_STATUS_VERSION,
    producer: 'p1',
    at: Date.UTC(2026, 10, 26),
    state: 'running',
    sourceName: 'replay',
    read: 0,
    accepted: 0,
    published: 0,
    skipped: {},
    droppedTags: {},
    ...partial,
  };
}

/**
 * The tile counts' bucket (start, minutes) that holds `minute` once `newest` is the newest minute, worked out
 * from their comments (tile-counts.ts), for tests that count posts the way they do: a minute bucket until all
 * of its 10-minute group is older than `MINUTE_TIER`, then a 10-minute bucket until all of its hour is older
 * than `TEN_MINUTE_TIER`, then an hour bucket.
 */
export function bucketOf(minute: number, newest: number): [start: number, minutes: number] {
  const ten = minute - modulo(minute, 10);
  const hour = minute - modulo(minute, 60);
  if (newest - (ten + 9) < MINUTE_TIER) return [minute, 1];
  if (newest - (hour + 59) < TEN_MINUTE_TIER) return [ten, 10];
  return [hour, 60];
}

/** The value of one sample of a `/metrics` text, e.g. `metricValue(text, 'trendmap_posts_skipped_total{reason="duplicate"}')`; NaN when absent. */
export function metricValue(text: string, sample: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
  return line === undefined ? Number.NaN : Number(line.slice(sample.length + 1));
}

/**
 * The windows as builds before snapshot format 4 saved them: one bucket per (leaf, minute) of the day ending
 * at `endMs` (what their ring of minutes held of `posts`, given in time order), and no bucket lengths.
 */
export function minuteSave(
  posts: readonly { ts: number; leaf: string; tagIds: readonly number[] }[],
  endMs: number,
  version = 0,
): WindowStoreSnapshot {
  const endMinute = Math.floor(endMs / BUCKET_MS);
  const leaves: string[] = [];
  const held = new Map<string, { leaf: number; minute: number; posts: number; tags: Map<number, number> }>();
  for (const post of posts) {
    const minute = Math.floor(post.ts / BUCKET_MS);
    if (minute <= endMinute - RING_BUCKETS) continue;
    if (!leaves.includes(post.leaf)) leaves.push(post.leaf);
    const key = `${post.leaf}|${minute}`;
    const bucket = held.get(key) ?? { leaf: leaves.indexOf(post.leaf), minute, posts: 0, tags: new Map<number, number>() };
    bucket.posts += 1;
    for (const id of post.tagIds) bucket.tags.set(id, (bucket.tags.get(id) ?? 0) + 1);
    held.set(key, bucket);
  }
  const kept = [...held.values()];
  return {
    bucketMs: BUCKET_MS,
    ringBuckets: RING_BUCKETS,
    endMs: kept.length === 0 ? null : endMs,
    firstMinute: kept.length === 0 ? null : Math.min(...kept.map((b) => b.minute)),
    version,
    leaves,
    bucketLeaf: Uint32Array.from(kept, (b) => b.leaf),
    bucketMinute: Float64Array.from(kept, (b) => b.minute),
    bucketPosts: Uint32Array.from(kept, (b) => b.posts),
    bucketPairs: Uint32Array.from(kept, (b) => b.tags.size),
    pairs: Uint32Array.from(kept.flatMap((b) => [...b.tags].sort(([x], [y]) => x - y).flat())),
  };
}
