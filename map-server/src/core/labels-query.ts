/**
 * Answers a labels query: the top hashtag of each map tile in a box over a window, for writing trends on the
 * map where they trend. The tiles are those of the level the map's zoom calls for (`labelLevel`: 64 to 128 px
 * on screen), read from the tile counts; each label sits at the weighted centre of its tile's posts. Pure:
 * reads what `LabelSources` names at the store's current end; does no I/O.
 */
import { type Bbox, type Label, type LabelsResponse } from '../../../common/browser/api';
import { WINDOWS, type WindowName } from '../../../common/browser/windows';
import type { TagDictionary } from './tag-dictionary';
import type { TileCounts } from './tile-counts';
import { labelLevel, tileRange } from './tiles';
import { BUCKET_MS, type WindowStore } from './window-store';

/** The whole world, the box a labels query without one answers for. */
export const WORLD_BBOX: Bbox = [-180, -90, 180, 90];

export interface LabelsQuery {
  /** Null: the whole world. */
  bbox: Bbox | null;
  /** The map's zoom (fractions allowed). */
  zoom: number;
  window: WindowName;
  /** Most labels, the largest counts first. */
  limit: number;
}

/** Exactly what a labels query reads. */
export interface LabelSources {
  store: Pick<WindowStore, 'endMs' | 'endMinute'>;
  tiles: Pick<TileCounts, 'tops'>;
  dictionary: Pick<TagDictionary, 'key' | 'display'>;
}

/** A string that tells labels queries apart (equal keys, equal answers for the same data). */
export function labelsQueryKey(query: LabelsQuery): string {
  // The zoom itself, not only its level: the answer echoes it.
  return `${query.zoom}|${query.bbox?.join(',') ?? 'world'}|${query.window}|${query.limit}`;
}

export function answerLabels(query: LabelsQuery, { store, tiles, dictionary }: LabelSources): LabelsResponse {
  const level = labelLevel(query.zoom);
  const bbox = query.bbox ?? WORLD_BBOX;
  const response: LabelsResponse = {
    bbox,
    zoom: query.zoom,
    level,
    window: query.window,
    asOf: store.endMs,
    from: null,
    approximate: false,
    maxError: 0,
    labels: [],
  };
  const endMinute = store.endMinute;
  if (endMinute === null) return response;
  const keyOf = (id: number) => dictionary.key(id);
  const range = query.bbox === null ? null : tileRange(query.bbox, level);
  const read = tiles.tops(level, range, endMinute - WINDOWS[query.window] + 1, endMinute, keyOf);
  if (read.fromMinute !== null) response.from = read.fromMinute * BUCKET_MS;
  response.approximate = read.maxError > 0;
  response.maxError = read.maxError;
  // The largest first, ties by tag then place, so that a cut at `limit` keeps the same labels every time.
  const tops = read.tops.sort((a, b) => b.count - a.count || compare(keyOf(a.tag), keyOf(b.tag)) || a.cell - b.cell);
  response.labels = tops.slice(0, query.limit).map((top): Label => ({
    tag: keyOf(top.tag),
    display: dictionary.display(top.tag),
    count: top.count,
    posts: top.posts,
    lat: round(top.lat),
    lon: round(top.lon),
  }));
  return response;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Degrees to 5 decimals (about a metre): all a label's place needs, and a shorter answer. */
function round(degrees: number): number {
  return Math.round(degrees * 1e5) / 1e5;
}
