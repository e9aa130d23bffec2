/**
 * The map's labels from history (`/api/labels?at=`, or a window longer than a day): the top (or rising) tag
 * of each map tile in a box, over whole hours. History keeps coarse cells (`CELL_LEVEL`, z6), so labels are
 * counted at the level the zoom calls for up to z6, and at z6 beyond (the answer's `level` says which); each
 * sits at its tile's centre, as history keeps no coordinates. One pass over the span's cells adds each into
 * the tile it lies in. Pure: reads what `HistorySource` gives.
 */
import { RISING, type Label, type LabelsResponse } from '../../../../common/browser/api';
import { labelLevel, tileLat, tileLon, tileRange, rangeHolds, tileIndex, tileXY } from '../tiles';
import { TopK } from '../top-k';
import { isRising, risingScore } from '../rising';
import type { LabelsQuery } from '../labels-query';
import { WORLD_BBOX } from '../labels-query';
import type { HistoryWindowName } from '../../../../common/browser/windows';
import { HISTORY_RISING, historyPlan, spanEndMs, windowEnd, windowHours, type HistorySource } from './history-answers';
import { CELL_LEVEL, isCell, type RegionPick } from './history-regions';
import { HOUR_MS } from './open-hours';
import type { HourSummary } from './hour-summary';

export interface HistoryLabelsQuery extends Omit<LabelsQuery, 'window'> {
  window: HistoryWindowName;
  atMs: number | null;
}

/** A label tile's counts over a period: posts, and posts per tag id. */
interface TileTally {
  posts: number;
  tags: Map<number, number>;
}

/** The tile of `level` (`shift`: `CELL_LEVEL - level`) a cell's region (`c6/x/y`) is in. */
function cellTile(region: string, level: number, shift: number): number {
  const [, x, y] = region.split('/').map(Number);
  return tileIndex(level, x >> shift, y >> shift);
}

/** Adds the span's cells up into the tiles of `level` that `range` holds (null: every tile). */
function tileTallies(summaries: readonly HourSummary[], level: number, holds: (index: number) => boolean): Map<number, TileTally> {
  const tiles = new Map<number, TileTally>();
  const shift = CELL_LEVEL - level;
  for (const summary of summaries) {
    summary.regions.forEach((region, r) => {
      if (!isCell(region)) return;
      const index = cellTile(region, level, shift);
      if (!holds(index)) return;
      let tally = tiles.get(index);
      if (tally === undefined) tiles.set(index, (tally = { posts: 0, tags: new Map() }));
      tally.posts += summary.posts[r];
      summary.addTagsTo(r, tally.tags);
    });
  }
  return tiles;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function answerHistoryLabels(query: HistoryLabelsQuery, source: HistorySource): LabelsResponse {
  const bbox = query.bbox ?? WORLD_BBOX;
  const level = Math.min(labelLevel(query.zoom), CELL_LEVEL);
  const sort = query.sort ?? 'top';
  const response: LabelsResponse = {
    bbox,
    zoom: query.zoom,
    level,
    window: query.window,
    sort,
    asOf: null,
    from: null,
    approximate: false,
    maxError: 0,
    labels: [],
    ...(query.atMs !== null && { at: query.atMs }),
    resolution: '1h',
  };
  const end = windowEnd(query.atMs, source.endMs);
  if (end === null) return response;
  const range = query.bbox === null ? null : tileRange(query.bbox, level);
  const holds = (index: number) => range === null || rangeHolds(range, index);
  const { dictionary } = source;
  const keyOf = (id: number) => dictionary.key(id);
  const only = query.tag == null ? null : dictionary.idOf(query.tag);
  const rising = sort === 'rising' && only === null;
  const { recentHours, outerHours } = HISTORY_RISING[query.window];
  const hours = windowHours(query.window);
  const shift = CELL_LEVEL - level;
  const pick: RegionPick = {
    key: `labels:${level}:${query.bbox?.join(',') ?? 'world'}`,
    has: (region) => isCell(region) && holds(cellTile(region, level, shift)),
  };
  const span = source.span(end.endHour - (rising ? Math.max(hours, outerHours) : hours), end.endHour, pick);
  const periods = historyPlan(span, hours, recentHours, outerHours, source.firstHour);
  response.asOf = spanEndMs(span, end);
  response.from = periods.windowFrom * HOUR_MS;
  response.resolution = span.resolution;
  if (only === -1) return response;
  const inWindow = tileTallies(periods.inWindow, level, holds);
  const labels: (Label & { order: number; cell: number })[] = [];
  if (!rising) {
    for (const [index, tally] of inWindow) {
      let best = -1;
      let bestCount = 0;
      for (const [id, count] of tally.tags) {
        if (only !== null && id !== only) continue;
        if (count > bestCount || (count === bestCount && best >= 0 && compare(keyOf(id), keyOf(best)) < 0)) [best, bestCount] = [id, count];
      }
      if (best >= 0) labels.push({ ...labelAt(index, level, best, bestCount, tally.posts, source), order: bestCount, cell: index });
    }
  } else {
    const recent = tileTallies(periods.inRecent, level, holds);
    const reference = tileTallies(periods.inReference, level, holds);
    for (const [index, tally] of recent) {
      const top = new TopK(1, keyOf);
      const scores = new Map<number, { expected: number; score: number }>();
      for (const [id, count] of tally.tags) {
        if (count < RISING.minCount) continue;
        const scored = risingScore(count, reference.get(index)?.tags.get(id) ?? 0, periods.plan);
        if (!isRising(count, scored.score, periods.plan)) continue;
        scores.set(id, scored);
        top.offer(id, scored.score);
      }
      const [winner] = top.result();
      if (winner === undefined) continue;
      const { expected, score } = scores.get(winner.id)!;
      const windowTally = inWindow.get(index);
      const label = labelAt(index, level, winner.id, windowTally?.tags.get(winner.id) ?? 0, windowTally?.posts ?? 0, source);
      labels.push({ ...label, score, recent: tally.tags.get(winner.id) ?? 0, expected, order: score, cell: index });
    }
  }
  labels.sort((a, b) => b.order - a.order || compare(a.tag, b.tag) || a.cell - b.cell);
  response.labels = labels.slice(0, query.limit).map(({ order: _order, cell: _cell, ...label }) => label);
  return response;
}

/** A label for tile `index` at `level`: the tag, its count, the tile's posts, at the tile's centre. */
function labelAt(index: number, level: number, id: number, count: number, posts: number, source: HistorySource): Label {
  const { x, y } = tileXY(level, index);
  const round = (degrees: number) => Math.round(degrees * 1e5) / 1e5;
  return {
    tag: source.dictionary.key(id),
    display: source.dictionary.display(id),
    count,
    posts,
    lat: round(tileLat(y + 0.5, level)),
    lon: round(tileLon(x + 0.5, level)),
  };
}
