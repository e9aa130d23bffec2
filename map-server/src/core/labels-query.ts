/**
 * Answers a labels query: the top hashtag of each map tile in a box over a window, for writing trends on the
 * map where they trend. The tiles are those of the level the map's zoom calls for (`labelLevel`: 64 to 128 px
 * on screen), read from the tile counts; each label sits at the weighted centre of its tile's posts. With
 * `sort=rising` each label is the tile's rising tag instead, scored as the panel's Rising is (rising.ts) over
 * the tile's own recent and reference periods, where a tag rises there. Pure:
 * reads what `LabelSources` names at the store's current end; does no I/O.
 */
import { resolutionOf } from './tiers';
import { type Bbox, type Label, type LabelsResponse, type SortName } from '../../../common/browser/api';
import { WINDOWS, type WindowName } from '../../../common/browser/windows';
import { countedPlan, risingPlan } from './rising';
import type { TagDictionary } from './tag-dictionary';
import type { TileCounts } from './tile-counts';
import type { TileTop } from './tile-tops';
import { TILE_LEVELS, labelLevel, tileRange, type TileRange } from './tiles';
import { BUCKET_MS, type WindowStore } from './window-store';

/** The whole world, the box a labels query without one answers for. */
export const WORLD_BBOX: Bbox = [-180, -90, 180, 90];

export interface LabelsQuery {
  /** Null: the whole world. */
  bbox: Bbox | null;
  /** The map's zoom (fractions allowed). */
  zoom: number;
  window: WindowName;
  /** `top` (when absent): the largest counts first; `rising`: each tile's rising tag, the highest scores first. */
  sort?: SortName;
  /** Most labels, the first ones kept. */
  limit: number;
  /** A tag's key: each tile's label is that tag, where it has posts (the tag's map; `sort` plays no part). Null: each tile's top tag. */
  tag?: string | null;
}

/** Exactly what a labels query reads. */
export interface LabelSources {
  store: Pick<WindowStore, 'endMs' | 'endMinute' | 'firstPostMinute'>;
  tiles: Pick<TileCounts, 'tops' | 'risers'>;
  dictionary: Pick<TagDictionary, 'key' | 'display' | 'idOf'>;
}

/** A string that tells labels queries apart (equal keys, equal answers for the same data). */
export function labelsQueryKey(query: LabelsQuery): string {
  // The zoom itself, not only its level: the answer echoes it.
  return `${query.zoom}|${query.bbox?.join(',') ?? 'world'}|${query.window}|${query.sort ?? 'top'}|${query.limit}|${query.tag ?? ''}`;
}

/**
 * The most tiles one answer reads: a 1,920 x 1,080 screen shows about 500 at the level its zoom calls for. A box
 * with more at that level (the whole world at zoom 12) is counted a level or more coarser, so that no query
 * reads millions of tiles; the answer's `level` says which.
 */
const MAX_LABEL_TILES = 4_096;

/** The tiles a range holds. */
function tilesIn(range: TileRange): number {
  return (range.y1 - range.y0 + 1) * range.xs.reduce((sum, [x0, x1]) => sum + x1 - x0 + 1, 0);
}

export function answerLabels(query: LabelsQuery, { store, tiles, dictionary }: LabelSources): LabelsResponse {
  const bbox = query.bbox ?? WORLD_BBOX;
  let level: number = labelLevel(query.zoom);
  while (level > TILE_LEVELS[0] && tilesIn(tileRange(bbox, level)) > MAX_LABEL_TILES) level -= 2;
  const response: LabelsResponse = {
    bbox,
    zoom: query.zoom,
    level,
    window: query.window,
    sort: query.sort ?? 'top',
    asOf: store.endMs,
    from: null,
    approximate: false,
    maxError: 0,
    resolution: resolutionOf(query.window),
    labels: [],
  };
  const endMinute = store.endMinute;
  if (endMinute === null) return response;
  const keyOf = (id: number) => dictionary.key(id);
  const range = query.bbox === null ? null : tileRange(query.bbox, level);
  // A tag never seen (or forgotten) has no tile: no labels, as for a window with no posts.
  const only = query.tag == null ? null : (dictionary.idOf(query.tag) ?? -1);
  if (only === -1) return response;
  if (query.sort === 'rising' && only === null) return risingLabels(query, response, level, range, { store, tiles, dictionary });
  const read = tiles.tops(level, range, endMinute - WINDOWS[query.window] + 1, endMinute, keyOf, only);
  if (read.fromMinute !== null) response.from = read.fromMinute * BUCKET_MS;
  response.approximate = read.maxError > 0;
  response.maxError = read.maxError;
  // The largest first, ties by tag then place, so that a cut at `limit` keeps the same labels every time.
  const tops = read.tops.sort((a, b) => b.count - a.count || compare(keyOf(a.tag), keyOf(b.tag)) || a.cell - b.cell);
  response.labels = tops.slice(0, query.limit).map((top) => labelOf(top, dictionary));
  return response;
}

/**
 * Each tile's rising tag: the window's recent period against the reference period before it (`RISING.basis`),
 * counted from whole buckets as the panel's are, so that a tile's score is the one its box would give.
 */
function risingLabels(
  query: LabelsQuery,
  response: LabelsResponse,
  level: number,
  range: TileRange | null,
  { store, tiles, dictionary }: LabelSources,
): LabelsResponse {
  const endMinute = store.endMinute!;
  const plan = risingPlan(query.window);
  const keyOf = (id: number) => dictionary.key(id);
  const read = tiles.risers(
    level,
    range,
    endMinute - plan.recentMinutes - plan.referenceMinutes + 1,
    endMinute - plan.recentMinutes + 1,
    endMinute,
    (fromMinute, splitMinute) => countedPlan(plan, endMinute, fromMinute, splitMinute, store.firstPostMinute),
    keyOf,
  );
  // The window's start: the recent period's, or the reference period's when the window holds both (24h).
  const from = plan.windowIsRecent ? read.splitMinute : read.fromMinute;
  if (from !== null) response.from = from * BUCKET_MS;
  response.approximate = read.maxError > 0;
  response.maxError = read.maxError;
  // The highest scores first, ties by tag then place.
  const risers = read.tops.sort((a, b) => b.score - a.score || compare(keyOf(a.tag), keyOf(b.tag)) || a.cell - b.cell);
  response.labels = risers.slice(0, query.limit).map((riser) => ({
    ...labelOf(riser, dictionary),
    score: riser.score,
    recent: riser.recent,
    expected: riser.expected,
  }));
  return response;
}

function labelOf(top: TileTop, dictionary: LabelSources['dictionary']): Label {
  return {
    tag: dictionary.key(top.tag),
    display: dictionary.display(top.tag),
    count: top.count,
    posts: top.posts,
    lat: round(top.lat),
    lon: round(top.lon),
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Degrees to 5 decimals (about a metre): all a label's place needs, and a shorter answer. */
function round(degrees: number): number {
  return Math.round(degrees * 1e5) / 1e5;
}
