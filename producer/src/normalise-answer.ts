/**
 * How the normalising thread (`normalise-worker.ts`) writes a line's result and the main thread
 * (`normalise-thread.ts`) reads it back. An accepted post's result (`{ ok: true, event }`, nearly every line
 * of a lean archive) goes as a `CompactEvent`, its event's values without their keys: a third less JSON,
 * which costs the thread 0.9 µs a line to write where the objects cost 1.5 µs, and the main thread 0.65 µs
 * to read and put back together where the objects' JSON costs 1.05 µs. Any other result goes as it is.
 */
import type { GeoEvent } from '../../common/node/event';
import type { InputResult } from './normalise/normalise';

/**
 * An accepted post's event as its values, in the order of `toEvent`'s fields (`COMPACT_FIELDS`); the optional
 * `place`, `lang` and `text` are null when the event has none. The main thread builds `{ ok: true, event }`
 * back from it (`fromCompact`) with the same fields in the same order.
 */
export type CompactEvent = [
  v: GeoEvent['v'],
  id: string,
  ts: number,
  lat: number,
  lon: number,
  loc: GeoEvent['loc'],
  cc: string | null,
  tags: string[],
  display: string[],
  place: string | null,
  lang: string | null,
  text: string | null,
];

/** A line's result in the thread's JSON: an accepted post's as a `CompactEvent`, any other as it is. */
export type ResultJson = CompactEvent | InputResult;

/** The fields every event has, in the order `toEvent` sets them, then those it sets only when it has them. */
const COMPACT_FIELDS = ['v', 'id', 'ts', 'lat', 'lon', 'loc', 'cc', 'tags', 'display'] as const;
const OPTIONAL_FIELDS = ['place', 'lang', 'text'] as const;

/**
 * The result as a `CompactEvent` when it is `{ ok: true, event }` and its event has exactly `toEvent`'s
 * fields, in its order, none undefined, the optional ones strings: what `fromCompact` then builds is the same.
 * Anything else (a skip, dropped tags beside the event, an event of another shape) as it is.
 */
export function compact(result: InputResult): ResultJson {
  if (!('ok' in result) || !result.ok || Object.keys(result).length !== 2) return result;
  const event = result.event as unknown as Record<string, unknown>;
  let fields = 0;
  let optional = 0;
  for (const key in event) {
    if (fields < COMPACT_FIELDS.length) {
      if (key !== COMPACT_FIELDS[fields] || event[key] === undefined) return result;
    } else {
      while (optional < OPTIONAL_FIELDS.length && OPTIONAL_FIELDS[optional] !== key) optional += 1;
      if (optional === OPTIONAL_FIELDS.length || typeof event[key] !== 'string') return result;
      optional += 1;
    }
    fields += 1;
  }
  if (fields < COMPACT_FIELDS.length) return result;
  const e = result.event;
  return [e.v, e.id, e.ts, e.lat, e.lon, e.loc, e.cc, e.tags, e.display, e.place ?? null, e.lang ?? null, e.text ?? null];
}

/** An accepted post's result from its `CompactEvent`: the fields `toEvent` gives, in its order. */
export function fromCompact(values: CompactEvent): { ok: true; event: GeoEvent } {
  const [v, id, ts, lat, lon, loc, cc, tags, display, place, lang, text] = values;
  const event: GeoEvent = { v, id, ts, lat, lon, loc, cc, tags, display };
  if (place !== null) event.place = place;
  if (lang !== null) event.lang = lang;
  if (text !== null) event.text = text;
  return { ok: true, event };
}
