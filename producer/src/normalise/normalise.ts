/**
 * Turns one raw post, an X API v1.1 status or a v2 stream envelope, into a `GeoEvent`, or says in one word
 * (a `SkipReason`) why it cannot. Pure and total: no input, however hostile, makes it throw.
 */
import { EVENT_LIMITS, EVENT_VERSION, type GeoEvent } from '../../../common/node/event';
import { isCountryCode } from '../../../common/browser/countries';
import type { SkipReason, TagDropCounts } from '../../../common/browser/skip-reasons';
import type { CountryLookup } from './country-lookup';
import { hashtags } from './hashtags';
import { bboxCentre, geoJsonPoint, polygonCentre, type Located, type Point } from './location';
import { snowflakeTime as timeOfSnowflake } from '../../../common/node/snowflake';

/**
 * An event, or why there is none. `droppedTags` counts the hashtags left out of the post, when any were
 * (an accepted post may have lost some; one skipped as `no_hashtag` may have lost all of them).
 */
export type NormaliseResult = ({ ok: true; event: GeoEvent } | { ok: false; reason: SkipReason }) & {
  droppedTags?: TagDropCounts;
};

/** v1.1 stream messages that are not posts: deletions, rate-limit notes, compliance and control messages. */
const V1_NOTICE_KEYS = ['delete', 'limit', 'scrub_geo', 'status_withheld', 'user_withheld', 'disconnect', 'warning', 'event'] as const;

/** Ids below this were handed out in sequence before November 2010; only larger ones carry a time. */
const FIRST_SNOWFLAKE_ID = 29_700_859_247n;
/** A post id as X writes it: a positive decimal without leading zeros, so one post has one id string. */
const ID_PATTERN = /^[1-9][0-9]{0,19}$/;
const MAX_LANG_LENGTH = 16;

/** Normalises one line of a JSONL archive or stream. Blank lines (stream keep-alives) count as `not_json`. */
export function normaliseLine(line: string, lookup: CountryLookup): NormaliseResult {
  let raw: unknown;
  try {
    // A byte-order mark is what an editor leaves at the start of a file, not part of the JSON. A blank line
    // needs no check of its own: JSON.parse throws on it.
    raw = JSON.parse(line.charCodeAt(0) === 0xfeff ? line.slice(1) : line);
  } catch {
    return skip('not_json');
  }
  return normalisePost(raw, lookup);
}

/** Normalises one already-parsed post, stream notice, or anything else. */
export function normalisePost(raw: unknown, lookup: CountryLookup): NormaliseResult {
  try {
    const fields = readPost(raw);
    return 'reason' in fields ? skip(fields.reason) : toEvent(fields, lookup);
  } catch {
    // Only a value built to trip property access (a throwing getter, a proxy) gets here: JSON cannot.
    return skip('unknown_shape');
  }
}

/** Where a post was made, or why that is not known. */
type Whereabouts = { ok: true; point: Point; loc: 'point' | 'place' } | { ok: false; reason: 'no_location' | 'bad_coordinates' | 'unknown_place' };

/** What the normaliser needs from a post, read out of either API shape. Values are unchecked until used. */
interface PostFields {
  id: unknown;
  createdAt: unknown;
  timestampMs: unknown;
  text: string | undefined;
  /** The hashtags of the post's entities object, or undefined when the post has no entities object. */
  entityTags: unknown[] | undefined;
  lang: unknown;
  where: Whereabouts;
  placeName: unknown;
  placeCountry: unknown;
}

function readPost(raw: unknown): PostFields | { reason: SkipReason } {
  if (!isRecord(raw)) return { reason: 'unknown_shape' };
  const data = field(raw, 'data');
  if (isRecord(data)) return readV2(data, raw);
  // A v2 stream sends errors (operational disconnects, rule problems) as an envelope without data.
  if (Array.isArray(field(raw, 'errors'))) return { reason: 'notice' };
  if (V1_NOTICE_KEYS.some((key) => field(raw, key) !== undefined)) return { reason: 'notice' };
  const looksLikeStatus = ['id_str', 'id', 'text', 'full_text'].some((key) => field(raw, key) !== undefined);
  return looksLikeStatus ? readV1(raw) : { reason: 'unknown_shape' };
}

/** An X API v1.1 status. */
function readV1(status: Record<string, unknown>): PostFields {
  // A status over 140 characters arrives truncated, its full text and entities in `extended_tweet`.
  const extended = field(status, 'extended_tweet');
  const fullText = field(status, 'truncated') === true ? field(extended, 'full_text') : undefined;
  const useExtended = typeof fullText === 'string';
  const text = useExtended ? fullText : (string(field(status, 'full_text')) ?? string(field(status, 'text')));
  const entities = useExtended ? field(extended, 'entities') : field(status, 'entities');

  const place = field(status, 'place');
  const coordinates = field(status, 'coordinates');
  const geo = field(status, 'geo');
  let where: Whereabouts;
  if (coordinates !== undefined && coordinates !== null) where = at(geoJsonPoint(coordinates, 'lonlat'), 'point');
  // `geo` is the deprecated twin of `coordinates`, latitude first.
  else if (geo !== undefined && geo !== null) where = at(geoJsonPoint(geo, 'latlon'), 'point');
  else if (place !== undefined && place !== null) where = at(polygonCentre(field(place, 'bounding_box')), 'place');
  else where = { ok: false, reason: 'no_location' };

  return {
    // Never the numeric `id`: above 2^53 it has already lost digits by the time JSON.parse returns it.
    id: field(status, 'id_str'),
    createdAt: field(status, 'created_at'),
    timestampMs: field(status, 'timestamp_ms'),
    text,
    entityTags: hashtagEntities(entities, 'text'),
    lang: field(status, 'lang'),
    where,
    placeName: field(place, 'full_name'),
    placeCountry: field(place, 'country_code'),
  };
}

/** An X API v2 stream envelope: the post in `data`, its places in `includes.places`. */
function readV2(data: Record<string, unknown>, envelope: Record<string, unknown>): PostFields {
  // A long post's `text` is cut short; `note_tweet` has the whole text and its entities.
  const note = field(data, 'note_tweet');
  const noteText = field(note, 'text');
  const useNote = typeof noteText === 'string';
  const text = useNote ? noteText : string(field(data, 'text'));
  const entities = useNote ? field(note, 'entities') : field(data, 'entities');

  const geo = field(data, 'geo');
  const coordinates = field(geo, 'coordinates');
  const placeId = field(geo, 'place_id');
  const places = field(field(envelope, 'includes'), 'places');
  const place =
    typeof placeId === 'string' && Array.isArray(places) ? (places as unknown[]).find((candidate) => field(candidate, 'id') === placeId) : undefined;
  let where: Whereabouts;
  if (coordinates !== undefined && coordinates !== null) where = at(geoJsonPoint(coordinates, 'lonlat'), 'point');
  else if (placeId !== undefined && placeId !== null) {
    where = place === undefined ? { ok: false, reason: 'unknown_place' } : at(bboxCentre(field(field(place, 'geo'), 'bbox')), 'place');
  } else where = { ok: false, reason: 'no_location' };

  return {
    id: field(data, 'id'),
    createdAt: field(data, 'created_at'),
    timestampMs: undefined,
    text,
    entityTags: hashtagEntities(entities, 'tag'),
    lang: field(data, 'lang'),
    where,
    placeName: field(place, 'full_name'),
    placeCountry: field(place, 'country_code'),
  };
}

function toEvent(post: PostFields, lookup: CountryLookup): NormaliseResult {
  if (typeof post.id !== 'string' || !ID_PATTERN.test(post.id)) return skip('no_id');
  const id = post.id;
  const ts = parseCreatedAt(post.createdAt) ?? parseTimestampMs(post.timestampMs) ?? snowflakeTime(id);
  if (ts === undefined) return skip('bad_timestamp');
  if (!post.where.ok) return skip(post.where.reason);
  const text = post.text === undefined ? undefined : unescapeHtml(post.text);
  const { tags, display, dropped } = hashtags(post.entityTags, text);
  if (tags.length === 0) return dropped === null ? skip('no_hashtag') : { ok: false, reason: 'no_hashtag', droppedTags: dropped };

  const lat = round5(post.where.point.lat);
  const lon = round5(post.where.point.lon);
  const event: GeoEvent = {
    v: EVENT_VERSION,
    id,
    ts,
    lat,
    lon,
    loc: post.where.loc,
    cc: countryCode(post.placeCountry) ?? checkedCountry(lookup.countryAt(lon, lat)),
    tags,
    display,
  };
  if (typeof post.placeName === 'string' && post.placeName !== '') {
    event.place = truncate(post.placeName, EVENT_LIMITS.maxPlaceLength);
  }
  if (typeof post.lang === 'string' && post.lang !== '' && post.lang.length <= MAX_LANG_LENGTH) event.lang = post.lang;
  if (text) event.text = truncate(text, EVENT_LIMITS.maxTextLength);
  return dropped === null ? { ok: true, event } : { ok: true, event, droppedTags: dropped };
}

/** The hashtags of an entities object (`text` in v1.1, `tag` in v2); a missing `hashtags` list means none. */
function hashtagEntities(entities: unknown, key: 'text' | 'tag'): unknown[] | undefined {
  if (!isRecord(entities)) return undefined;
  const list = field(entities, 'hashtags');
  return Array.isArray(list) ? list.map((entity) => field(entity, key)) : [];
}

function at(located: Located, loc: 'point' | 'place'): Whereabouts {
  return located.ok ? { ok: true, point: located.point, loc } : located;
}

/** A place's own country code, when it is one we know. Places in no country send "". */
function countryCode(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const code = value.toUpperCase();
  return isCountryCode(code) ? code : null;
}

function checkedCountry(code: unknown): string | null {
  return typeof code === 'string' && /^[A-Z]{2}$/.test(code) ? code : null;
}

const MONTHS: Record<string, number> = {
  Jan: 0,
  Feb: 1,
  Mar: 2,
  Apr: 3,
  May: 4,
  Jun: 5,
  Jul: 6,
  Aug: 7,
  Sep: 8,
  Oct: 9,
  Nov: 10,
  Dec: 11,
};
/** v1.1: "Wed Oct 10 20:19:24 +0000 2018". */
const V1_TIME = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z]{2}) (\d{2}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2}) (\d{4})$/;
/** v2: ISO 8601, "2018-10-10T20:19:24.000Z". */
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|([+-])(\d{2}):?(\d{2}))$/;

/** A creation time in either API's format, in ms; undefined when it is not one or names no real moment. */
function parseCreatedAt(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  // v2's times start with a digit and v1.1's with a letter: each string is tried against the one pattern it can match.
  const first = value.charCodeAt(0);
  return first >= 0x30 && first <= 0x39 ? parseIsoTime(value) : parseV1Time(value);
}

function parseV1Time(value: string): number | undefined {
  const v1 = V1_TIME.exec(value);
  if (v1) {
    const [, mon, day, h, m, s, sign, oh, om, year] = v1;
    const month = MONTHS[mon];
    if (month === undefined) return undefined;
    const offset = (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om));
    return utc(Number(year), month, Number(day), Number(h), Number(m), Number(s), 0, offset);
  }
  return undefined;
}

function parseIsoTime(value: string): number | undefined {
  const iso = ISO_TIME.exec(value);
  if (iso) {
    const [, year, month, day, h, m, s, fraction, zone, sign, oh, om] = iso;
    const ms = fraction ? Number(fraction.padEnd(3, '0').slice(0, 3)) : 0;
    const offset = zone === 'Z' ? 0 : (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om));
    return utc(Number(year), Number(month) - 1, Number(day), Number(h), Number(m), Number(s), ms, offset);
  }
  return undefined;
}

/** Days in each month of a common year (the proleptic Gregorian calendar, as Date counts). */
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Date.UTC, refusing what it would quietly roll over (February 30th, month 13, 25 o'clock), a year below 100
 * (which it reads as 19xx), and pre-1970 times. The date is checked by the calendar's arithmetic rather than
 * by building a Date and reading it back: the same answers, without a Date a post.
 */
function utc(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number, offsetMin: number) {
  if (h > 23 || mi > 59 || s > 60 || offsetMin < -24 * 60 || offsetMin > 24 * 60) return undefined;
  if (y < 100 || mo < 0 || mo > 11 || d < 1 || d > monthDays(y, mo)) return undefined;
  return validTime(Date.UTC(y, mo, d, h, mi, Math.min(s, 59), ms) - offsetMin * 60_000);
}

function monthDays(y: number, mo: number): number {
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return mo === 1 && leap ? 29 : MONTH_DAYS[mo];
}

/** v1.1 `timestamp_ms`: ms since the epoch, as a string of digits (or, from other tools, a number). */
function parseTimestampMs(value: unknown): number | undefined {
  if (typeof value === 'string') return /^[0-9]{1,16}$/.test(value) ? validTime(Number(value)) : undefined;
  return typeof value === 'number' ? validTime(value) : undefined;
}

/** The creation time inside a snowflake id, for a post whose payload states none. */
function snowflakeTime(id: string): number | undefined {
  const n = BigInt(id);
  return n >= FIRST_SNOWFLAKE_ID ? validTime(timeOfSnowflake(n)) : undefined;
}

function validTime(ms: number): number | undefined {
  return Number.isSafeInteger(ms) && ms >= 0 && ms <= 8.64e15 ? ms : undefined;
}

/**
 * Both APIs escape `&`, `<` and `>` in post text; events carry plain text, so they are unescaped once. A text
 * without `&` has nothing to unescape: it is returned as it is, without running the pattern (most posts).
 */
function unescapeHtml(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(amp|lt|gt);/g, (_, name: string) => (name === 'amp' ? '&' : name === 'lt' ? '<' : '>'));
}

/**
 * Cuts a string to `max` UTF-16 units, one fewer when the cut would split a surrogate pair. Units are the
 * stricter reading of the schema's limits (it counts code points), so the result passes under both.
 */
function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  const last = s.charCodeAt(max - 1);
  return s.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}

function round5(degrees: number): number {
  return Math.round(degrees * 1e5) / 1e5;
}

function skip(reason: SkipReason): NormaliseResult {
  return { ok: false, reason };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An own property of an object, or undefined: never one inherited from a prototype (`constructor`...). */
function field(value: unknown, key: string): unknown {
  return isRecord(value) && Object.prototype.hasOwnProperty.call(value, key) ? value[key] : undefined;
}

function string(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
