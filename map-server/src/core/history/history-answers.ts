/**
 * The API's answers from history: `/api/trends` and `/api/tags/:tag/regions` as of a past moment (`at=`) or
 * over `7d` / `30d`, and the timelines. Same shapes as the live answers, read from whole hourly buckets
 * (daily ones beyond `HISTORY_DAYS`), so a window ends on the last bucket boundary at or before `at` and the
 * answer says its resolution. Rising compares the last part of the window with the period before it, as the
 * live panel does, at the hour: `HISTORY_RISING`. Pure: reads what `HistorySource` gives; no I/O, no clock.
 */
import {
  RISING,
  WORLD,
  type ResolutionName,
  type TagRegion,
  type TagRegionsResponse,
  type Trend,
  type TrendsResponse,
} from '../../../../common/browser/api';
import type { SortName } from '../../../../common/browser/api-constants';
import { HISTORY_WINDOWS, type HistoryWindowName } from '../../../../common/browser/windows';
import { isCountryCode } from '../../../../common/browser/countries';
import type { Area } from '../area';
import { TopK } from '../top-k';
import { risingPlan, risingScore, isRising, type RisingPlan } from '../rising';
import type { HourSummary } from './hour-summary';
import type { HistoryDictionary } from './history-dictionary';
import { addUpInto, countIn, postsIn, tagCountries, timeline, topTags } from './history-query';
import { cellsBox, cellsOf, pickRegions, type RegionPick } from './history-regions';
import { HOUR_MS } from './open-hours';

/** The buckets a span of hours is read from, and the span they really cover. */
export interface HistorySpan {
  summaries: HourSummary[];
  /** The first hour covered and the hour after the last (hours since the epoch). */
  fromHour: number;
  toHour: number;
  resolution: Extract<ResolutionName, '1h' | '1d'>;
}

/** What of the regions picked a span's buckets may hold (the keeper's reads of a part of a file, bucket-parts.ts). */
export interface SpanRead {
  /** A big region's busiest rows only (a top over many buckets); other counts stay exact. */
  busiest?: boolean;
  /** This tag's rows only (its countries); other counts stay exact. */
  tag?: number;
}

/** What history's answers read. */
export interface HistorySource {
  /**
   * The buckets of `fromHour` to `toHour` (exclusive): hourly where hours are kept; older, whole days, the
   * span's old end rounded back to its day and a new end in daily history rounded back to its day (never
   * past the moment asked). `pick`: the regions the answer reads (buckets may then hold only them), and
   * `busiest`: of a big region, its busiest rows may do (`HourSummary.partial`; counts stay exact).
   */
  span(fromHour: number, toHour: number, pick?: RegionPick, options?: SpanRead): HistorySpan;
  /** The first hour history holds anything for (null: nothing yet). */
  readonly firstHour: number | null;
  /** The live windows' end: the newest event time counted (ms; null: none). */
  readonly endMs: number | null;
  readonly dictionary: Pick<HistoryDictionary, 'idOf' | 'key' | 'display' | 'size'>;
}

/**
 * Per window, at the hour: the hours whose growth is scored and the hours of the longer period whose rest is
 * its reference, as `RISING.basis` but in whole hours (15m is read as its hour), and for the long windows a
 * day against the week and a week against the month.
 */
export const HISTORY_RISING: Record<HistoryWindowName, { recentHours: number; outerHours: number }> = {
  '15m': { recentHours: 1, outerHours: 6 },
  '1h': { recentHours: 1, outerHours: 6 },
  '6h': { recentHours: 6, outerHours: 24 },
  '24h': { recentHours: 6, outerHours: 24 },
  '7d': { recentHours: 24, outerHours: 168 },
  '30d': { recentHours: 168, outerHours: 720 },
};

/** Hours per sparkline slot, per window: an hour up to a day, 6 hours at 7d, a day at 30d. */
export const HISTORY_SPARK_HOURS: Record<HistoryWindowName, number> = { '15m': 1, '1h': 1, '6h': 1, '24h': 1, '7d': 6, '30d': 24 };

export interface HistoryTrendsQuery extends Area {
  window: HistoryWindowName;
  sort: SortName;
  limit: number;
  /** The moment asked for (ms), or null: now (the window then ends with the newest event, its hour included). */
  atMs: number | null;
}

/** Where a window ends: the hour boundary at or before `at`, or (now) the hour after the newest event's. */
export function windowEnd(atMs: number | null, endMs: number | null): { endHour: number; asOf: number } | null {
  if (atMs !== null) {
    const endHour = Math.floor(atMs / HOUR_MS);
    return { endHour, asOf: endHour * HOUR_MS };
  }
  if (endMs === null) return null;
  return { endHour: Math.floor(endMs / HOUR_MS) + 1, asOf: endMs };
}

/**
 * Where an answer's window really ends (`asOf`, ms): where it was asked to (`end`), or, when daily history
 * rounded the span's end back to a day, there.
 */
export function spanEndMs(span: Pick<HistorySpan, 'toHour'>, end: { endHour: number; asOf: number }): number {
  return span.toHour === end.endHour ? end.asOf : span.toHour * HOUR_MS;
}

/** The hours a history window spans (at least one). */
export function windowHours(window: HistoryWindowName): number {
  return Math.max(1, HISTORY_WINDOWS[window] / 60);
}

/** The regions an area reads: itself (the world, a country), or the cells a box touches. */
export function regionsOf(area: Area): string[] {
  return area.bbox === null ? [area.region] : cellsOf(area.bbox);
}

export function answerHistoryTrends(query: HistoryTrendsQuery, source: HistorySource): TrendsResponse {
  const slotHours = HISTORY_SPARK_HOURS[query.window];
  const hours = windowHours(query.window);
  const response: TrendsResponse = {
    region: query.region,
    ...(query.bbox !== null && { bbox: cellsBox(query.bbox) }),
    window: query.window,
    sort: query.sort,
    asOf: null,
    from: null,
    approximate: false,
    maxError: 0,
    total: 0,
    spark: { slots: Math.ceil(hours / slotHours), slotMs: slotHours * HOUR_MS },
    referenceMinutes: 0,
    ...(query.atMs !== null && { at: query.atMs }),
    resolution: '1h',
    trends: [],
  };
  const end = windowEnd(query.atMs, source.endMs);
  if (end === null) return response;
  const { recentHours, outerHours } = HISTORY_RISING[query.window];
  const regions = regionsOf(query);
  const { dictionary } = source;
  const keyOf = (id: number) => dictionary.key(id);
  const read = (busiest: boolean) => {
    const span = source.span(end.endHour - Math.max(hours, outerHours), end.endHour, pickRegions(regions), { busiest });
    return { span, ...historyPlan(span, hours, recentHours, outerHours, source.firstHour) };
  };
  // Top of one region: the busiest rows of each bucket first (all a long-tailed top needs), whole rows when
  // they cannot decide. A box's cells are added up whole.
  let periods = read(query.sort === 'top' && regions.length === 1);
  let top = query.sort === 'top' ? topTags(periods.inWindow, regions, query.limit, keyOf) : null;
  if (query.sort === 'top' && top === null) {
    periods = read(false);
    top = topTags(periods.inWindow, regions, query.limit, keyOf);
  }
  const { span, windowFrom, inWindow, inRecent, inReference, plan } = periods;
  const toHour = span.toHour;
  let listed: number[];
  if (query.sort === 'top') {
    listed = (top ?? []).map((tag) => tag.id);
  } else {
    // Both periods added up into arrays by tag id: a pass over each period's rows, not a search per tag.
    const recent = new Uint32Array(dictionary.size);
    const reference = new Uint32Array(dictionary.size);
    const candidates = addUpInto(inRecent, regions, recent);
    addUpInto(inReference, regions, reference);
    const top = new TopK(query.limit, keyOf);
    for (const id of candidates) {
      const count = recent[id];
      if (count < RISING.minCount) continue;
      const { score } = risingScore(count, reference[id], plan);
      if (isRising(count, score, plan)) top.offer(id, score);
    }
    listed = top.result().map(({ id }) => id);
  }
  const total = postsIn(inWindow, regions);
  response.asOf = spanEndMs(span, end);
  response.from = windowFrom * HOUR_MS;
  response.total = total;
  response.referenceMinutes = plan.coveredMinutes;
  response.resolution = span.resolution;
  const slots = response.spark.slots;
  response.trends = listed.map((id): Trend => {
    const count = countIn(inWindow, regions, id);
    const recent = countIn(inRecent, regions, id);
    const { expected, score } = risingScore(recent, countIn(inReference, regions, id), plan);
    const spark = timeline(inWindow, regions, id, toHour - slots * slotHours, toHour, slotHours).counts;
    return {
      tag: keyOf(id),
      display: dictionary.display(id),
      count,
      share: total === 0 ? 0 : count / total,
      recent,
      expected,
      score,
      spark: Array.from(spark),
    };
  });
  return response;
}

/** A span's buckets cut into the window and the rising periods, and the plan the scores use. */
export interface HistoryPeriods {
  /** The window's first hour: `hours` before the span's end, or the span's start when shorter (whole days in daily history). */
  windowFrom: number;
  inWindow: HourSummary[];
  inRecent: HourSummary[];
  inReference: HourSummary[];
  plan: RisingPlan;
}

/** `hour`, or the start of the bucket that holds it when one starts before it. */
function bucketStart(summaries: readonly HourSummary[], hour: number): number {
  let start = hour;
  for (const summary of summaries) if (summary.startHour < start && summary.endHour > hour) start = summary.startHour;
  return start;
}

/**
 * Cuts a span into the window (`hours`), its recent part (`recentHours`) and the reference before it (to
 * `outerHours`), as whole buckets (at least a day each in daily history), with the rising plan over the
 * minutes they span, the reference only from the first hour history holds (`firstHour`).
 */
export function historyPlan(span: HistorySpan, hours: number, recentHours: number, outerHours: number, firstHour: number | null): HistoryPeriods {
  const toHour = span.toHour;
  const least = span.resolution === '1d' ? 24 : 1;
  // A day read whole where the span turns from days to hours starts its period: a bucket is never split.
  const windowFrom = bucketStart(span.summaries, Math.max(span.fromHour, toHour - Math.max(hours, least)));
  const recentFrom = bucketStart(span.summaries, toHour - Math.max(recentHours, least));
  const referenceFrom = bucketStart(span.summaries, toHour - outerHours);
  const coveredHours = firstHour === null ? 0 : Math.max(0, recentFrom - Math.max(referenceFrom, firstHour, span.fromHour));
  const plan: RisingPlan = {
    ...risingPlan('1h'),
    recentMinutes: (toHour - recentFrom) * 60,
    referenceMinutes: Math.max(0, recentFrom - referenceFrom) * 60,
    coveredMinutes: coveredHours * 60,
  };
  return {
    windowFrom,
    inWindow: span.summaries.filter((s) => s.startHour >= windowFrom),
    inRecent: span.summaries.filter((s) => s.startHour >= recentFrom),
    inReference: span.summaries.filter((s) => s.startHour < recentFrom && s.startHour >= referenceFrom),
    plan,
  };
}

/** What a tag's countries read: the world and every country. */
const COUNTRIES: RegionPick = { key: 'countries', has: (region) => region === WORLD || isCountryCode(region) };

export interface HistoryTagRegionsQuery {
  tag: string;
  window: HistoryWindowName;
  limit: number;
  atMs: number | null;
}

/** Countries with the tag over a history window, by count descending, then share descending, then code. */
export function answerHistoryTagRegions(query: HistoryTagRegionsQuery, source: HistorySource): TagRegionsResponse {
  const id = source.dictionary.idOf(query.tag);
  const response: TagRegionsResponse = {
    tag: query.tag,
    display: id < 0 ? query.tag : source.dictionary.display(id),
    window: query.window,
    asOf: null,
    from: null,
    approximate: false,
    maxError: 0,
    total: 0,
    regions: [],
    ...(query.atMs !== null && { at: query.atMs }),
    resolution: '1h',
  };
  const end = windowEnd(query.atMs, source.endMs);
  if (end === null) return response;
  // Only the tag's rows of each country (and the world): the countries' posts are in the buckets' index.
  const span = source.span(end.endHour - windowHours(query.window), end.endHour, COUNTRIES, id < 0 ? undefined : { tag: id });
  response.asOf = spanEndMs(span, end);
  response.from = span.fromHour * HOUR_MS;
  response.resolution = span.resolution;
  if (id < 0) return response;
  response.total = countIn(span.summaries, [WORLD], id);
  const regions: TagRegion[] = [];
  for (const [region, { count, posts }] of tagCountries(span.summaries, id, isCountryCode))
    regions.push({ region, count, posts, share: count / posts });
  regions.sort((a, b) => b.count - a.count || b.share - a.share || (a.region < b.region ? -1 : a.region > b.region ? 1 : 0));
  response.regions = regions.slice(0, query.limit);
  return response;
}
