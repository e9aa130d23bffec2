/** Test helpers: events that satisfy the contract, and an engine-backed app without a bus. */
import { PRODUCER_STATUS_VERSION, type ProducerStatus } from '../../common/browser/api';
import { EVENT_VERSION, type GeoEvent } from '../../common/node/event';
import { modulo } from '../../common/browser/modulo';
import { MINUTE_TIER, TEN_MINUTE_TIER } from '../src/core/tile-counts';

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
