/**
 * Everything counted per accepted post, and the one clock it runs on: the windows per region
 * (`WindowStore`), the last day on a fine grid for boxes (`GridIndex`), the marks that tell the sparkline
 * series which minutes changed (`RegionSparks`), and the dictionary that numbers the tags they all count.
 *
 * Why one object: the store and the grid each keep the minute their windows end in, and queries read both
 * at the same end. `advanceTo` moves them together, and `record` moves them to a newer post before counting
 * it, so they always end in the same minute without the engine keeping them in step by hand. It is also
 * exactly what the queries read (`TrendSources`, `TagRegionSources`), so they take it and not the engine.
 * Pure: time is an argument (epoch ms, as an event's `ts`), nothing here does I/O.
 */
import { WORLD } from '../../../common/browser/api';
import type { GeoEvent } from '../../../common/node/event';
import { TagDictionary } from './tag-dictionary';
import { BUCKET_MS, WindowStore } from './window-store';
import { GridIndex } from './grid-index';
import { RegionSparks } from './region-sparks';
import type { TrendSources } from './trends-query';
import type { TagRegionSources } from './tag-regions';

/** The leaf for posts in no country (the sea); counted in the world only. */
export const NO_COUNTRY = '-';

export class PostCounts implements TrendSources, TagRegionSources {
  /** Tag keys as small integers, with their display forms. */
  readonly dictionary = new TagDictionary();
  /** Posts per tag per region over every window: countries roll up into the world, the sea only into it. */
  readonly store = new WindowStore({ rollup: (leaf) => (leaf === NO_COUNTRY ? [WORLD] : [leaf, WORLD]) });
  /** The last 24 h of posts on a fine grid, for boxes ("Trends in this view"). */
  readonly grid = new GridIndex();
  /** Per-minute sparkline counts of listed tags, reread only where posts landed since. */
  readonly sparks = new RegionSparks(this.store);

  /** Changes whenever a count or the windows' end does: answers computed at an equal version are still right. */
  get version(): number {
    return this.store.version;
  }

  /** The newest time the windows end at, in ms (the newest post's, or a later clock's), or null before any. */
  get endMs(): number | null {
    return this.store.endMs;
  }

  /** True when a post at `atMs` would fall before every window. */
  isStale(atMs: number): boolean {
    return this.store.isStale(atMs);
  }

  /** The ids of a post's tags, interned (new keys get an id; each spelling counts toward its display form). */
  intern(event: GeoEvent): number[] {
    return event.tags.map((key, i) => this.dictionary.intern(key, event.display[i]));
  }

  /** Counts one post with its interned tags everywhere; false (nothing counted) when it is stale. */
  record(event: GeoEvent, tagIds: readonly number[]): boolean {
    this.advanceTo(event.ts);
    if (this.store.add(event.ts, event.cc ?? NO_COUNTRY, tagIds) === 'stale') return false;
    const minute = Math.floor(event.ts / BUCKET_MS);
    this.sparks.touch(minute, this.store.version);
    this.grid.add(minute, event.lat, event.lon, tagIds);
    return true;
  }

  /** Moves the end of the windows and of the grid forward to `toMs` (never back), together. */
  advanceTo(toMs: number): void {
    this.store.advanceTo(toMs);
    const endMinute = this.store.endMinute;
    if (endMinute !== null) this.grid.advanceTo(endMinute);
  }
}
