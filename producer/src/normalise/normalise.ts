/**
 * Turns one raw input into `GeoEvent`s, or says in one word (a `SkipReason`) why it cannot. An input is an X
 * API v1.1 status, a v2 stream envelope (`{data: {...}, includes}`), a v2 post on its own as `twarc2 flatten`
 * writes it (its place inlined in `geo`), an API page of posts (`{data: [...], includes, meta, errors}`, as
 * twarc2 and other tools save search and stream answers), or a list of any of those. Pure and total: no
 * input, however hostile, makes it throw.
 */
import { EVENT_LIMITS, EVENT_VERSION, type GeoEvent } from '../../../common/node/event';
import { isCountryCode } from '../../../common/browser/countries';
import { API_ERROR_KINDS, type ApiErrorCounts, type ApiErrorKind, type SkipReason, type TagDropCounts } from '../../../common/browser/skip-reasons';
import type { CountryLookup } from './country-lookup';
import { hashtags } from './hashtags';
import { bboxCentre, geoJsonPoint, polygonCentre, type Located, type Point } from './location';
import { snowflakeTime as timeOfSnowflake } from '../../../common/node/snowflake';

/**
 * An event, or why there is none. `droppedTags` counts the hashtags left out of the post, when any were
 * (an accepted post may have lost some; one skipped as `no_hashtag` may have lost all of them). `apiErrors`
 * counts the errors an answer listed beside its post (or instead of one), by kind.
 */
export type NormaliseResult = ({ ok: true; event: GeoEvent } | { ok: false; reason: SkipReason }) & {
  droppedTags?: TagDropCounts;
  apiErrors?: ApiErrorCounts;
};

/**
 * What an input holding several posts gives: each post's result, in order (a page's `data`, a list's
 * items), and the errors it listed by kind. Each post counts as an input of its own.
 */
export interface PostsResult {
  posts: NormaliseResult[];
  apiErrors?: ApiErrorCounts;
}

/** What one input (a line, a parsed value) gives: one post's result, or several. */
export type InputResult = NormaliseResult | PostsResult;

/** The posts' results of an input, one or several. */
export function resultsOf(result: InputResult): NormaliseResult[] {
  return 'posts' in result ? result.posts : [result];
}

/** v1.1 stream messages that are not posts: deletions, rate-limit notes, compliance and control messages. */
const V1_NOTICE_KEYS = ['delete', 'limit', 'scrub_geo', 'status_withheld', 'user_withheld', 'disconnect', 'warning', 'event'] as const;

/** Ids below this were handed out in sequence before November 2010; only larger ones carry a time. */
const FIRST_SNOWFLAKE_ID = 29_700_859_247n;
/** A post id as X writes it: a positive decimal without leading zeros, so one post has one id string. */
const ID_PATTERN = /^[1-9][0-9]{0,19}$/;
const MAX_LANG_LENGTH = 16;

/** Normalises one line of a JSONL archive or stream. Blank lines (stream keep-alives) count as `not_json`. */
export function normaliseLine(line: string, lookup: CountryLookup): InputResult {
  let raw: unknown;
  try {
    // A byte-order mark is what an editor leaves at the start of a file, not part of the JSON. A blank line
    // needs no check of its own: JSON.parse throws on it.
    raw = JSON.parse(line.charCodeAt(0) === 0xfeff ? line.slice(1) : line);
  } catch {
    return skip('not_json');
  }
  return normaliseInput(raw, lookup);
}

/**
 * Normalises one parsed input: a post, a stream notice, a page of posts, a list of those (one level: a list
 * in a list is `unknown_shape`), or anything else.
 */
export function normaliseInput(raw: unknown, lookup: CountryLookup): InputResult {
  try {
    if (Array.isArray(raw)) return listResult(raw, lookup);
    const data = field(raw, 'data');
    if (Array.isArray(data)) return pageResult(raw as Record<string, unknown>, data, lookup);
  } catch {
    // Only a value built to trip property access (a throwing getter, a proxy) gets here: JSON cannot.
    return skip('unknown_shape');
  }
  return normalisePost(raw, lookup);
}

/** Normalises one already-parsed post, stream notice, or anything else (never several posts: see `normaliseInput`). */
export function normalisePost(raw: unknown, lookup: CountryLookup): NormaliseResult {
  try {
    const fields = readPost(raw);
    const result = 'reason' in fields ? skip(fields.reason) : toEvent(fields, lookup);
    const errors = field(raw, 'errors');
    return Array.isArray(errors) && errors.length > 0 ? { ...result, apiErrors: errorKinds(errors) } : result;
  } catch {
    return skip('unknown_shape');
  }
}

/**
 * An API page: every post in `data` with the page's `includes` (its places), its `errors` counted by kind.
 * A page without posts is one input, `empty_page`.
 */
function pageResult(page: Record<string, unknown>, data: unknown[], lookup: CountryLookup): InputResult {
  const errors = field(page, 'errors');
  const apiErrors = Array.isArray(errors) && errors.length > 0 ? errorKinds(errors) : undefined;
  if (data.length === 0) return apiErrors ? { ...skip('empty_page'), apiErrors } : skip('empty_page');
  const places = includedPlaces(page);
  const posts = data.map((post): NormaliseResult => {
    return isRecord(post) ? toEvent(readV2(post, places), lookup) : skip('unknown_shape');
  });
  return apiErrors ? { posts, apiErrors } : { posts };
}

/** A list of inputs on one line: each item read as an input of its own (but not a list again). */
function listResult(items: unknown[], lookup: CountryLookup): InputResult {
  if (items.length === 0) return skip('empty_page');
  const posts: NormaliseResult[] = [];
  let apiErrors: ApiErrorCounts | undefined;
  for (const item of items) {
    const result = Array.isArray(item) ? skip('unknown_shape') : normaliseInput(item, lookup);
    // One at a time: spreading a page of 200,000 posts into push() would pass more arguments than a call takes.
    for (const post of resultsOf(result)) posts.push(post);
    // An item's errors, a page's or a single envelope's, are the list's.
    if (result.apiErrors) apiErrors = addCounts(apiErrors ?? {}, result.apiErrors);
  }
  return apiErrors ? { posts, apiErrors } : { posts };
}

/** The errors of an answer by kind: the last part of each one's problem `type` URL, when it is a known kind. */
function errorKinds(errors: unknown[]): ApiErrorCounts {
  const counts: ApiErrorCounts = {};
  for (const error of errors) {
    const kind = errorKind(field(error, 'type'));
    counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}

function errorKind(type: unknown): ApiErrorKind {
  if (typeof type !== 'string') return 'other';
  const name = type.slice(type.lastIndexOf('/') + 1);
  return name !== 'other' && Object.hasOwn(API_ERROR_KINDS, name) ? (name as ApiErrorKind) : 'other';
}

function addCounts(into: ApiErrorCounts, counts: ApiErrorCounts): ApiErrorCounts {
  for (const [kind, n] of Object.entries(counts) as [ApiErrorKind, number][]) into[kind] = (into[kind] ?? 0) + n;
  return into;
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
  if (isRecord(data)) return readV2(data, includedPlaces(raw));
  // A page of a search that found nothing (`{"meta": {"result_count": 0}}`), or only errors (the API leaves
  // `data` out of such a page; its errors are counted all the same).
  if (data === undefined && isRecord(field(raw, 'meta'))) return { reason: 'empty_page' };
  // A v2 stream sends errors (operational disconnects, rule problems) as an envelope without data.
  if (Array.isArray(field(raw, 'errors'))) return { reason: 'notice' };
  if (V1_NOTICE_KEYS.some((key) => field(raw, key) !== undefined)) return { reason: 'notice' };
  if (isFlatV2(raw)) return readV2(raw, inlinedPlace);
  const looksLikeStatus = ['id_str', 'id', 'text', 'full_text'].some((key) => field(raw, key) !== undefined);
  return looksLikeStatus ? readV1(raw) : { reason: 'unknown_shape' };
}

/**
 * A v2 post on its own (`twarc2 flatten`): its id is a string and it has no `id_str`, which every v1.1 status
 * has (its `id` is a number). Nor does it have what only a v1.1 status has: a `user`, a creation time in
 * v1.1's form ("Wed Oct 10 ...", where v2's starts with a digit).
 */
function isFlatV2(raw: Record<string, unknown>): boolean {
  if (typeof field(raw, 'id') !== 'string' || field(raw, 'id_str') !== undefined || field(raw, 'user') !== undefined) return false;
  const createdAt = field(raw, 'created_at');
  return typeof createdAt !== 'string' || !/^[A-Za-z]/.test(createdAt);
}

/** Finds the place a v2 post names (`geo.place_id`), given the post's `geo`; undefined when it is not there. */
type PlaceOf = (placeId: string, geo: unknown) => unknown;

/** The places of an envelope's or a page's `includes`, looked up by id. */
function includedPlaces(envelope: unknown): PlaceOf {
  const places = field(field(envelope, 'includes'), 'places');
  if (!Array.isArray(places)) return noPlace;
  const list = places as unknown[];
  if (list.length <= FEW_PLACES) return (placeId) => list.find((candidate) => field(candidate, 'id') === placeId);
  // A page's posts look up many places among many: by a map made at the first lookup, so that a page costs
  // posts + places, not posts x places (a crafted 1 MB page of 20,000 posts and 40,000 places took 26 s).
  let byId: Map<unknown, unknown> | undefined;
  return (placeId) => {
    if (byId === undefined) {
      byId = new Map();
      // The first place of an id, as a scan finds it.
      for (const place of list) {
        const id = field(place, 'id');
        if (!byId.has(id)) byId.set(id, place);
      }
    }
    return byId.get(placeId);
  };
}

/** Places an envelope may list before they are looked up by a map rather than a scan (a stream's: one or two). */
const FEW_PLACES = 8;

/** `twarc2 flatten` merges the included place into the post's `geo`, the place's `id` beside `place_id`. */
const inlinedPlace: PlaceOf = (placeId, geo) => (field(geo, 'id') === placeId ? geo : undefined);

const noPlace: PlaceOf = () => undefined;

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

/** An X API v2 post: from a stream envelope's `data`, a page's `data` list, or flattened; `placeOf` finds its place. */
function readV2(data: Record<string, unknown>, placeOf: PlaceOf): PostFields {
  // A long post's `text` is cut short; `note_tweet` has the whole text and its entities.
  const note = field(data, 'note_tweet');
  const noteText = field(note, 'text');
  const useNote = typeof noteText === 'string';
  const text = useNote ? noteText : string(field(data, 'text'));
  const entities = useNote ? field(note, 'entities') : field(data, 'entities');

  const geo = field(data, 'geo');
  const coordinates = field(geo, 'coordinates');
  const placeId = field(geo, 'place_id');
  const place = typeof placeId === 'string' ? placeOf(placeId, geo) : undefined;
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
    if (month === undefined || !isClockOffset(oh, om)) return undefined;
    const offset = (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om));
    return utc(Number(year), month, Number(day), Number(h), Number(m), Number(s), 0, offset);
  }
  return undefined;
}

function parseIsoTime(value: string): number | undefined {
  const iso = ISO_TIME.exec(value);
  if (iso) {
    const [, year, month, day, h, m, s, fraction, zone, sign, oh, om] = iso;
    if (zone !== 'Z' && !isClockOffset(oh, om)) return undefined;
    const ms = fraction ? Number(fraction.padEnd(3, '0').slice(0, 3)) : 0;
    const offset = zone === 'Z' ? 0 : (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om));
    return utc(Number(year), Number(month) - 1, Number(day), Number(h), Number(m), Number(s), ms, offset);
  }
  return undefined;
}

/**
 * Whether an offset's hours and minutes are ones a clock keeps: `+24:00`, `+00:60` or `+9999` are no time.
 * The rule of `zoneOffsetMs` (common/node/time-range.ts), on the parts the patterns here already captured:
 * every v1.1 post carries an offset, and that one would cut and join strings again for each.
 */
function isClockOffset(hours: string, minutes: string): boolean {
  return Number(hours) <= 23 && Number(minutes) <= 59;
}

/** Days in each month of a common year (the proleptic Gregorian calendar, as Date counts). */
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Date.UTC, refusing what it would quietly roll over (February 30th, month 13, 25 o'clock), a year below 100
 * (which it reads as 19xx), and pre-1970 times. The date is checked by the calendar's arithmetic rather than
 * by building a Date and reading it back: the same answers, without a Date a post.
 */
function utc(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number, offsetMin: number) {
  if (h > 23 || mi > 59 || s > 60) return undefined;
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
