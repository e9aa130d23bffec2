/**
 * Answers a trends query: the top or rising tags of a region (from the window store's running totals) or of
 * a box (from the tile counts: its cover of tiles over the time buckets of the window), each with its share,
 * rising score and sparkline. Pure: reads what `TrendSources` names, at the store's current end, and nothing
 * else; does no I/O.
 */
import { resolutionOf } from './tiers';
import { RISING, SPARK_SLOTS, type Bbox, type SortName, type Trend, type TrendsResponse } from '../../../common/browser/api';
import type { WindowName } from '../../../common/browser/windows';
import { BUCKET_MS, type WindowStore } from './window-store';
import type { TileCounts } from './tile-counts';
import { boxCover } from './tiles';
import type { RegionSparks } from './region-sparks';
import type { TagDictionary } from './tag-dictionary';
import { TopK } from './top-k';
import { areaKey, type Area } from './area';
import { countedPlan, isRising, risingPlan, risingScore, type RisingPlan } from './rising';

export interface TrendsQuery extends Area {
  window: WindowName;
  sort: SortName;
  limit: number;
}

/** A string that tells queries apart: equal keys, equal answers (for the same data). */
export function trendsQueryKey(query: TrendsQuery): string {
  return `${areaKey(query)}|${query.window}|${query.sort}|${query.limit}`;
}

/** One listed tag's counts: over the window, and over the scored recent window and its reference period. */
interface TagCounts {
  id: number;
  count: number;
  recent: number;
  reference: number;
}

/** The window's minutes and its sparkline slots, ending at `endMinute`. */
interface Frame {
  endMinute: number;
  plan: RisingPlan;
  slots: number;
  slotMinutes: number;
  /** The first minute of the window, and of its first spark slot. */
  fromMinute: number;
}

/** Exactly what a trends query reads, and only to read it. */
export interface TrendSources {
  /** A region's running totals, and where the windows end and the history starts. */
  store: Pick<WindowStore, 'endMs' | 'endMinute' | 'firstPostMinute' | 'windowFrom' | 'tally' | 'total' | 'error'>;
  /** A box's counts and sparklines. */
  tiles: Pick<TileCounts, 'boxCounts'>;
  /** A region's sparklines. */
  sparks: Pick<RegionSparks, 'sparks'>;
  /** A tag id's key and display form. */
  dictionary: Pick<TagDictionary, 'key' | 'display'>;
}

export function answerTrends(query: TrendsQuery, sources: TrendSources): TrendsResponse {
  const { store, dictionary } = sources;
  const { slots, slotMinutes } = SPARK_SLOTS[query.window];
  const response: TrendsResponse = {
    region: query.region,
    ...(query.bbox !== null && { bbox: query.bbox }),
    window: query.window,
    sort: query.sort,
    asOf: store.endMs,
    from: null,
    approximate: false,
    maxError: 0,
    total: 0,
    spark: { slots, slotMs: slotMinutes * BUCKET_MS },
    referenceMinutes: 0,
    resolution: resolutionOf(query.window),
    trends: [],
  };
  const endMinute = store.endMinute;
  if (endMinute === null) return response;
  const plan = risingPlan(query.window);
  const frame: Frame = { endMinute, plan, slots, slotMinutes, fromMinute: endMinute - plan.windowMinutes + 1 };
  const keyOf = (id: number) => dictionary.key(id);
  const answer = query.bbox === null ? regionAnswer(query, frame, sources, keyOf) : viewAnswer(query, query.bbox, frame, sources, keyOf);
  response.from = answer.fromMinute === null ? null : answer.fromMinute * BUCKET_MS;
  response.approximate = answer.maxError > 0;
  response.maxError = answer.maxError;
  response.referenceMinutes = answer.plan.coveredMinutes;
  response.total = answer.total;
  response.trends = answer.listed.map((tag, i): Trend => {
    const { expected, score } = risingScore(tag.recent, tag.reference, answer.plan);
    return {
      tag: keyOf(tag.id),
      display: dictionary.display(tag.id),
      count: tag.count,
      share: answer.total === 0 ? 0 : tag.count / answer.total,
      recent: tag.recent,
      expected,
      score,
      spark: Array.from(answer.sparks[i]),
    };
  });
  return response;
}

interface Answer {
  total: number;
  listed: TagCounts[];
  sparks: Int32Array[];
  /** The first minute counted (null: none), the plan the scores use, and the most any count may fall short. */
  fromMinute: number | null;
  plan: RisingPlan;
  maxError: number;
}

/** A region: counts from the store's running totals per window, sparks from its time buckets. */
function regionAnswer(query: TrendsQuery, frame: Frame, { store, sparks: regionSparks }: TrendSources, keyOf: (id: number) => string): Answer {
  // The windows count whole buckets (tiers.ts): the periods span the minutes of the buckets they hold.
  const plan = countedPlan(
    frame.plan,
    frame.endMinute,
    store.windowFrom(frame.plan.outer)!,
    store.windowFrom(frame.plan.recent)!,
    store.firstPostMinute,
  );
  const inWindow = store.tally(query.region, plan.window);
  const inRecent = store.tally(query.region, plan.recent);
  const inOuter = store.tally(query.region, plan.outer);
  const top = new TopK(query.limit, keyOf);
  if (query.sort === 'top') {
    for (const [id, count] of inWindow) top.offer(id, count);
  } else {
    for (const [id, recent] of inRecent) {
      // Most tags of a long tail are under the minimum: skipped before their reference is looked up.
      if (recent < RISING.minCount) continue;
      const { score } = risingScore(recent, (inOuter.get(id) ?? 0) - recent, plan);
      if (isRising(recent, score, plan)) top.offer(id, score);
    }
  }
  const listed = top.result().map(({ id }): TagCounts => {
    const recent = inRecent.get(id) ?? 0;
    return { id, count: inWindow.get(id) ?? 0, recent, reference: (inOuter.get(id) ?? 0) - recent };
  });
  const ids = listed.map((tag) => tag.id);
  const sparks = regionSparks.sparks(query.region, ids, frame.fromMinute, frame.slotMinutes, frame.slots);
  return {
    total: store.total(query.region, plan.window),
    listed,
    sparks,
    fromMinute: store.windowFrom(plan.window),
    plan,
    maxError: store.error(query.region, plan.window),
  };
}

/**
 * A box: its cover of tiles (`boxCover`) over the buckets of the reference period and the recent one, read
 * and added up once; then the sparks of the listed tags from the same read. The periods start where their buckets do (rounded outward), and
 * the rising plan takes the minutes they really span, so a rate is never taken over minutes not counted.
 */
function viewAnswer(query: TrendsQuery, bbox: Bbox, frame: Frame, { tiles, store }: TrendSources, keyOf: (id: number) => string): Answer {
  const { endMinute } = frame;
  const cover = boxCover(bbox);
  const counts = tiles.boxCounts(
    cover,
    endMinute - frame.plan.recentMinutes - frame.plan.referenceMinutes + 1,
    endMinute - frame.plan.recentMinutes + 1,
    endMinute,
  );
  if (counts.fromMinute === null || counts.splitMinute === null) {
    return { total: 0, listed: [], sparks: [], fromMinute: null, plan: { ...frame.plan, coveredMinutes: 0 }, maxError: 0 };
  }
  const plan = countedPlan(frame.plan, endMinute, counts.fromMinute, counts.splitMinute, store.firstPostMinute);
  const windowCount = (i: number) => (plan.windowIsRecent ? counts.recent[i] : counts.recent[i] + counts.reference[i]);
  // Ranks indexes into `counts`; ties break on the tag's key.
  const top = new TopK(query.limit, (i) => keyOf(counts.ids[i]));
  for (let i = 0; i < counts.ids.length; i += 1) {
    if (query.sort === 'top') {
      const count = windowCount(i);
      if (count > 0) top.offer(i, count);
    } else if (counts.recent[i] >= RISING.minCount) {
      const { score } = risingScore(counts.recent[i], counts.reference[i], plan);
      if (isRising(counts.recent[i], score, plan)) top.offer(i, score);
    }
  }
  const listed = top.result().map(({ id: i }): TagCounts => ({
    id: counts.ids[i],
    count: windowCount(i),
    recent: counts.recent[i],
    reference: counts.reference[i],
  }));
  const ids = listed.map((tag) => tag.id);
  const sparks = counts.sparks(ids, frame.fromMinute, frame.slotMinutes, frame.slots);
  return {
    total: plan.windowIsRecent ? counts.recentPosts : counts.posts,
    listed,
    sparks,
    fromMinute: plan.windowIsRecent ? counts.splitMinute : counts.fromMinute,
    plan,
    // The counts listed are the window's: at 15m, 1h and 6h the recent period's alone.
    maxError: plan.windowIsRecent ? counts.recentError : counts.maxError,
  };
}
