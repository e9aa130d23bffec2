/**
 * The event contract: one `GeoEvent` per accepted post. It is what the producer publishes (on Kafka or the
 * in-process bus), what the map-server consumes, and, in a smaller form, what browsers receive as markers.
 * Defined once here as a JSON schema; TypeScript types are derived from it.
 */
import Type, { type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { areRuledTags, checkHashtag } from './hashtag';
import { MAX_TAG_LENGTH } from '../browser/tag-key';
import { POST_LIMITS } from '../browser/api-constants';

/**
 * Version of the event payload, carried as its `v`; bumped on any incompatible change. A consumer refuses
 * any other version as `invalid_event` (`checkEvent` says which version it got).
 */
export const EVENT_VERSION = 1;

/** Upper bounds that keep a hostile or broken producer from bloating the consumer. */
export const EVENT_LIMITS = {
  maxTags: POST_LIMITS.maxTags,
  /** UTF-16 units, of a key and of its spelling: `MAX_TAG_LENGTH`, which `?tag=` and the normaliser apply too. */
  maxTagLength: MAX_TAG_LENGTH,
  maxTextLength: POST_LIMITS.maxTextLength,
  maxPlaceLength: POST_LIMITS.maxPlaceLength,
  /** A whole encoded event; anything larger is rejected before parsing. */
  maxBytes: 32_768,
} as const;

export const GeoEventSchema = Type.Object(
  {
    v: Type.Literal(EVENT_VERSION),
    /** The post's 64-bit id as a decimal string: never a JS number, which would lose precision. */
    id: Type.String({ pattern: '^[0-9]{1,20}$' }),
    /** Event time: when the post was created, in ms since the epoch. */
    ts: Type.Integer({ minimum: 0, maximum: POST_LIMITS.maxTimeMs }),
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    lon: Type.Number({ minimum: -180, maximum: 180 }),
    /** `point`: the post's own coordinates; `place`: the centre of its place's bounding box. */
    loc: Type.Union([Type.Literal('point'), Type.Literal('place')]),
    /** ISO 3166-1 alpha-2, upper case; null when the point is in no country (the sea). */
    cc: Type.Union([Type.String({ pattern: '^[A-Z]{2}$' }), Type.Null()]),
    place: Type.Optional(Type.String({ maxLength: EVENT_LIMITS.maxPlaceLength })),
    lang: Type.Optional(Type.String({ maxLength: 16 })),
    /**
     * Grouping keys (`tagKey`: NFKC, lower case, NFKC), distinct, in order of first appearance. Each is
     * the key of the hashtag at the same index of `display` (see `common/node/hashtag.ts`).
     */
    tags: Type.Array(Type.String({ minLength: 1, maxLength: EVENT_LIMITS.maxTagLength }), {
      minItems: 1,
      maxItems: EVENT_LIMITS.maxTags,
    }),
    /** The original spelling of each key in `tags`, index for index: a hashtag as X reads one, without `#`. */
    display: Type.Array(Type.String({ minLength: 1, maxLength: EVENT_LIMITS.maxTagLength }), {
      minItems: 1,
      maxItems: EVENT_LIMITS.maxTags,
    }),
    text: Type.Optional(Type.String({ maxLength: EVENT_LIMITS.maxTextLength })),
  },
  { additionalProperties: false },
);

export type GeoEvent = Static<typeof GeoEventSchema>;

const validator = Compile(GeoEventSchema);

export type DecodeResult = { ok: true; event: GeoEvent } | { ok: false; error: string };

/** Checks a value against the contract, including the rules a schema cannot state. */
export function checkEvent(value: unknown): DecodeResult {
  // Said apart from other faults: during an upgrade this names the producer that is ahead or behind.
  const version = typeof value === 'object' && value !== null && 'v' in value ? value.v : EVENT_VERSION;
  if (version !== EVENT_VERSION) {
    return { ok: false, error: `/v is schema version ${JSON.stringify(version)}; this build reads version ${EVENT_VERSION}` };
  }
  if (!validator.Check(value)) {
    const [first] = validator.Errors(value);
    return { ok: false, error: first ? `${first.instancePath || '/'} ${first.message}` : 'invalid event' };
  }
  if (value.display.length !== value.tags.length) {
    return { ok: false, error: '/display must have one entry per tag' };
  }
  // Tags the normaliser took through the rule itself and froze (`ruledTags`) are distinct and pass it: in one
  // process the event it made is checked here with those very lists, which cannot have changed since.
  if (areRuledTags(value.tags, value.display)) return { ok: true, event: value };
  if (new Set(value.tags).size !== value.tags.length) return { ok: false, error: '/tags must be distinct' };
  // The rule the producer applies, applied again: a producer of another version, or anything else writing
  // to the topic, must not put a tag on the map that is not a hashtag or cannot be followed.
  for (let i = 0; i < value.tags.length; i += 1) {
    const checked = checkHashtag(value.display[i]);
    if (!checked.ok) return { ok: false, error: `/display/${i} is not a hashtag trendmap counts (${checked.reason})` };
    if (checked.key !== value.tags[i]) return { ok: false, error: `/tags/${i} must be the key of /display/${i}` };
  }
  return { ok: true, event: value };
}

declare const checked: unique symbol;

/**
 * An event that passed `checkEvent` where it was made, and was frozen there (its arrays too): what the
 * producer publishes. In one process the same object reaches the map-server and is held by both sides, so
 * nobody may change it; freezing makes an attempt fail loudly instead of corrupting the other side.
 */
export type CheckedEvent = Readonly<GeoEvent> & { readonly [checked]: true };

/** Validates an event once, where it is made, and freezes it; throws on one that breaks the contract (a bug). */
export function checkedEvent(event: GeoEvent): CheckedEvent {
  const result = checkEvent(event);
  if (!result.ok) throw new Error(`refusing to publish an invalid event ${event.id}: ${result.error}`);
  Object.freeze(event.tags);
  Object.freeze(event.display);
  return Object.freeze(event) as CheckedEvent;
}

/** Serialises a checked event for a bus that crosses a process boundary (Kafka). */
export function encodeEvent(event: CheckedEvent): Buffer {
  return Buffer.from(JSON.stringify(event));
}

/** Parses and validates bytes from the wire. Never throws: a bad message is a result, not a crash. */
export function decodeEvent(bytes: Uint8Array | string): DecodeResult {
  if (bytes.length > EVENT_LIMITS.maxBytes) return { ok: false, error: `message of ${bytes.length} bytes is too large` };
  let value: unknown;
  try {
    // A view, not a copy: this runs for every message the map-server consumes.
    const text = typeof bytes === 'string' ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    value = JSON.parse(text);
  } catch {
    return { ok: false, error: 'message is not JSON' };
  }
  return checkEvent(value);
}
