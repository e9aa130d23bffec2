/**
 * Checks a `TrendsResponse` (the SSE `trends` event). Throws when the body as a whole is unusable; drops a
 * single malformed trend so one odd row does not blank the list.
 */
import type { Bbox, SortName, Trend, TrendsResponse } from '../../../common/browser/api';
import { clampNumber, isCount, isFiniteNumber, isObject } from './json-guards';

/** Sparkline slots kept per trend; the contract's largest is 48, this only bounds silly input. */
const MAX_SPARK_SLOTS = 120;

export function parseTrendsResponse(body: unknown): TrendsResponse {
  if (!isObject(body) || !Array.isArray(body.trends)) throw new Error('malformed trends response');
  const trends: Trend[] = [];
  for (const item of body.trends) {
    const trend = toTrend(item);
    if (trend) trends.push(trend);
  }
  const spark = isObject(body.spark) ? body.spark : {};
  const response: TrendsResponse = {
    region: typeof body.region === 'string' ? body.region : '',
    window: typeof body.window === 'string' ? body.window : '',
    sort: toSort(body.sort),
    asOf: isFiniteNumber(body.asOf) ? body.asOf : null,
    total: isCount(body.total) ? body.total : trends.reduce((sum, trend) => sum + trend.count, 0),
    spark: {
      slots: isCount(spark.slots) ? spark.slots : 0,
      slotMs: isCount(spark.slotMs) ? spark.slotMs : 0,
    },
    referenceMinutes: isCount(body.referenceMinutes) ? body.referenceMinutes : 0,
    trends,
  };
  const bbox = toBbox(body.bbox);
  if (bbox) response.bbox = bbox;
  return response;
}

function toTrend(item: unknown): Trend | null {
  if (!isObject(item) || typeof item.tag !== 'string' || item.tag === '' || !isCount(item.count)) return null;
  return {
    tag: item.tag,
    display: typeof item.display === 'string' && item.display !== '' ? item.display : item.tag,
    count: item.count,
    share: clampNumber(item.share, 0, 1, 0),
    expected: isCount(item.expected) ? item.expected : 0,
    score: isFiniteNumber(item.score) ? item.score : 0,
    spark: Array.isArray(item.spark) ? item.spark.slice(-MAX_SPARK_SLOTS).map((n) => (isCount(n) ? n : 0)) : [],
  };
}

function toSort(value: unknown): SortName {
  return value === 'rising' ? 'rising' : 'top';
}

function toBbox(value: unknown): Bbox | null {
  if (!Array.isArray(value) || value.length !== 4 || !value.every(isFiniteNumber)) return null;
  return [value[0], value[1], value[2], value[3]];
}
