/**
 * Trends that rise and fade in the synthetic world. Time is cut into slots of `SLOT_MS`; each slot starts a
 * few events (a tag, worldwide or in one country) at pseudo-random moments, drawn from `mix32(seed, slot)`.
 * So which events are live at a given `nowMs` depends only on the seed and `nowMs`, not on what was
 * generated before: two worlds with one seed agree, and a jump in time lands on the same trends.
 */
import { mix32, prng, type Prng } from '../../../common/node/prng';
import { syntheticVocabulary as vocabulary } from './synthetic-vocabulary';

/** One trend at one moment: its tag and how strongly it pulls posts (relative to a baseline of 1). */
export interface ActiveTrend {
  readonly tag: string;
  readonly weight: number;
}

/** The trends live at one moment: worldwide, and per country (keyed by alpha-2 code). */
export interface TrendSnapshot {
  readonly global: readonly ActiveTrend[];
  readonly globalWeight: number;
  readonly byCountry: ReadonlyMap<string, { readonly trends: readonly ActiveTrend[]; readonly weight: number }>;
}

interface TrendEvent {
  readonly tag: string;
  /** Alpha-2 code, or null for a worldwide event. */
  readonly country: string | null;
  readonly startMs: number;
  readonly durationMs: number;
  /** Weight at the top of the curve: a share of `peak / (1 + peak)` of a post's tags when alone. */
  readonly peak: number;
}

/** Slots of 10 minutes: each starts 0–2 worldwide events and 1–3 country events. */
const SLOT_MS = 10 * 60_000;
const MIN_DURATION_MS = 10 * 60_000;
const MAX_DURATION_MS = 60 * 60_000;
/** Slots before the current one whose events may still be live. */
const LOOKBACK_SLOTS = Math.ceil(MAX_DURATION_MS / SLOT_MS);
/** Peak weights, drawn log-uniformly: worldwide events compete with everything, country ones locally. */
const GLOBAL_PEAK = [0.03, 0.6] as const;
const COUNTRY_PEAK = [0.2, 2] as const;
/** The rise takes this share of an event's life; the rest is an exponential decay to e^-DECAY. */
const RISE_SHARE = 0.2;
const DECAY = 3;
/** Worldwide events are usually about a well-known tag; this share get a made-up one ("StormElena"). */
const MADE_UP_GLOBAL_SHARE = 0.45;
const MADE_UP_COUNTRY_SHARE = 0.3;
/** Worldwide event tags come from the top of the global list. */
const GLOBAL_EVENT_TAG_RANKS = 120;

const EVENT_COUNTRIES = Object.keys(vocabulary.countries);

/** An event's weight at `nowMs`: a smooth rise to `peak`, then a decay; zero outside its life. */
function weightAt(event: TrendEvent, nowMs: number): number {
  const x = (nowMs - event.startMs) / event.durationMs;
  if (x < 0 || x >= 1) return 0;
  if (x < RISE_SHARE) {
    const r = x / RISE_SHARE;
    return event.peak * r * r * (3 - 2 * r);
  }
  return event.peak * Math.exp((-DECAY * (x - RISE_SHARE)) / (1 - RISE_SHARE));
}

const logUniform = (rng: Prng, [lo, hi]: readonly [number, number]): number => lo * (hi / lo) ** rng.next();

const madeUpTag = (rng: Prng): string => rng.pick(vocabulary.eventPrefixes) + rng.pick(vocabulary.eventSuffixes);

/** The live trends of a seeded world, by time. */
export class SyntheticTrends {
  private readonly seed: number;
  private readonly slots = new Map<number, readonly TrendEvent[]>();
  private snapshotAt = Number.NaN;
  private snapshot: TrendSnapshot | undefined;

  constructor(seed: number) {
    this.seed = seed;
  }

  /** The trends live at `nowMs` (ms since the epoch), cached while `nowMs` stays the same. */
  at(nowMs: number): TrendSnapshot {
    if (this.snapshot && nowMs === this.snapshotAt) return this.snapshot;
    const slot = Math.floor(nowMs / SLOT_MS);
    for (const key of this.slots.keys()) if (key < slot - LOOKBACK_SLOTS || key > slot) this.slots.delete(key);
    const global: ActiveTrend[] = [];
    let globalWeight = 0;
    const byCountry = new Map<string, { trends: ActiveTrend[]; weight: number }>();
    for (let s = slot - LOOKBACK_SLOTS; s <= slot; s++) {
      for (const event of this.eventsOf(s)) {
        const weight = weightAt(event, nowMs);
        if (weight <= 0) continue;
        if (event.country === null) {
          global.push({ tag: event.tag, weight });
          globalWeight += weight;
        } else {
          const entry = byCountry.get(event.country) ?? { trends: [], weight: 0 };
          entry.trends.push({ tag: event.tag, weight });
          entry.weight += weight;
          byCountry.set(event.country, entry);
        }
      }
    }
    this.snapshotAt = nowMs;
    this.snapshot = { global, globalWeight, byCountry };
    return this.snapshot;
  }

  /**
   * The trend that a draw `u` in [0, 1) lands on, for a tag of a post from `country` at `nowMs`; undefined
   * when it lands on the baseline. Trends of summed weight W take a share W / (1 + W) of the draws.
   */
  draw(nowMs: number, country: string, u: number): string | undefined {
    const snapshot = this.at(nowMs);
    const local = snapshot.byCountry.get(country);
    let rest = u * (1 + snapshot.globalWeight + (local?.weight ?? 0)) - 1;
    if (rest < 0) return undefined;
    for (const trends of [snapshot.global, local?.trends ?? []]) {
      for (const trend of trends) {
        if (rest < trend.weight) return trend.tag;
        rest -= trend.weight;
      }
    }
    return undefined;
  }

  /** The events starting in one slot: a pure function of the seed and the slot number. */
  private eventsOf(slot: number): readonly TrendEvent[] {
    const cached = this.slots.get(slot);
    if (cached) return cached;
    const rng = prng(mix32(this.seed, slot));
    const events: TrendEvent[] = [];
    const start = (): number => slot * SLOT_MS + rng.int(SLOT_MS);
    const duration = (): number => MIN_DURATION_MS + rng.int(MAX_DURATION_MS - MIN_DURATION_MS);
    const globalCount = rng.pick([0, 1, 1, 2]);
    for (let i = 0; i < globalCount; i++) {
      const tag = rng.chance(MADE_UP_GLOBAL_SHARE)
        ? madeUpTag(rng)
        : vocabulary.global[rng.int(Math.min(GLOBAL_EVENT_TAG_RANKS, vocabulary.global.length))];
      events.push({ tag, country: null, startMs: start(), durationMs: duration(), peak: logUniform(rng, GLOBAL_PEAK) });
    }
    const countryCount = 1 + rng.int(3);
    for (let i = 0; i < countryCount; i++) {
      const country = rng.pick(EVENT_COUNTRIES);
      const tag = rng.chance(MADE_UP_COUNTRY_SHARE) ? madeUpTag(rng) : rng.pick(vocabulary.countries[country].tags);
      events.push({ tag, country, startMs: start(), durationMs: duration(), peak: logUniform(rng, COUNTRY_PEAK) });
    }
    this.slots.set(slot, events);
    return events;
  }
}
