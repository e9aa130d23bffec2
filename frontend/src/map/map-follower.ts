/**
 * The map follows the panel: choosing a country fits the map to it, World fits the world, and entering tag
 * mode fits the countries where the tag has most of its posts, once, on the first answer about them (later
 * answers leave the map alone: the reader may have panned since). "Trends in this view" never moves the
 * map: the view is what defines it.
 *
 * Countries are fitted from the 1:110m borders; one drawn only at 1:50m (Liechtenstein, Andorra, Malta …:
 * clickable once the map is zoomed in) from those, loaded then (the border layer shares the file).
 *
 * main.ts decides when to follow (not for a link that carries a map position: a shared link shows what was
 * shared); the fragment then follows the fitted map like any other move, through ViewTracker's `view`.
 */
import * as L from 'leaflet';
import type { Feature, Geometry, Position } from 'geojson';
import type { TagRegionsResponse } from '../../../common/browser/api';
import { VIEW, WORLD } from '../../../common/browser/api-constants';
import { borderCountryCode } from '../../../common/browser/countries';
import type { ViewState } from '../state/url-state';
import { loadCountries } from './load-countries';
import { countryBox, polygonsOf } from './country-box';
import { WORLD_VIEW } from './create-map';
import { unionBox, WORLD_LIMITS, type GeoBox, type LonLimits } from './geo-box';
import { tagCountries } from './tag-countries';

const DEFAULTS = {
  /** Room between a fitted country and the map's edges, in px, so its outline is not cut by them. */
  paddingPx: 24,
  /** Deepest zoom of a fit: a small country is shown among its neighbours, not at street level. */
  maxZoom: 7,
  /** How long the flight to a place the reader chose takes, in s (Leaflet's own guess runs to 3 s). */
  flySeconds: 0.8,
};

/** The border layer's country features (shared with it, so the file is fetched and parsed once). */
export type CountryShapes = () => Promise<Feature<Geometry, { name?: string }>[]>;

export class MapFollower {
  private readonly opts: typeof DEFAULTS;
  private boxes: Promise<Map<string, GeoBox>> | null = null;
  private fineBoxes: Promise<Map<string, GeoBox>> | null = null;
  /** Bumped by every request, so a fit that waited for the borders does not land after a newer request. */
  private generation = 0;
  /** The tag whose first regions answer is awaited, and whether the fit then may be animated. */
  private pendingTag: { tag: string; animate: boolean } | null = null;

  constructor(
    private readonly map: L.Map,
    private readonly shapes: CountryShapes = () => loadCountries('110m'),
    private readonly fineShapes: CountryShapes = () => loadCountries('50m'),
    options: Partial<typeof DEFAULTS> = {},
  ) {
    this.opts = { ...DEFAULTS, ...options };
  }

  /**
   * Follows a change of the view. `animate` for the reader's own actions; a step through history or the
   * page opening restores a view rather than travelling to it.
   */
  follow(view: ViewState, changed: ReadonlySet<keyof ViewState>, animate: boolean): void {
    // A fit still waiting for the borders was for the view before: it must not land after this one.
    if (changed.has('region') || changed.has('tag')) this.generation += 1;
    if (changed.has('region')) {
      this.pendingTag = null;
      if (view.region === WORLD) this.fit(WORLD_VIEW, animate, 0);
      else if (view.region !== VIEW) void this.fitCountries([view.region], animate);
    }
    if (changed.has('tag')) {
      this.pendingTag = null;
      // A country chosen in the same step (a link, back/forward) says where to look more precisely than
      // the tag does; World says nothing, so the tag's countries follow it.
      const placeChosen = changed.has('region') && view.region !== WORLD;
      if (view.tag !== null && view.region !== VIEW && !placeChosen) {
        this.pendingTag = { tag: view.tag, animate };
      }
    }
  }

  /** A `tagRegions` answer: the first for the tag just entered fits its top countries; none leaves the map. */
  tagRegions(response: TagRegionsResponse): void {
    if (this.pendingTag === null || response.tag !== this.pendingTag.tag) return;
    const { animate } = this.pendingTag;
    this.pendingTag = null;
    void this.fitCountries(tagCountries(response.regions), animate);
  }

  destroy(): void {
    this.generation += 1;
    this.pendingTag = null;
  }

  private async fitCountries(codes: string[], animate: boolean): Promise<void> {
    const generation = ++this.generation;
    if (codes.length === 0) return;
    let boxes: Map<string, GeoBox>;
    try {
      this.boxes ??= boxesOf(this.shapes);
      boxes = await this.boxes;
      // A country too small for 1:110m (only the fine borders draw it) is looked up there.
      if (codes.some((code) => !boxes.has(code))) {
        this.fineBoxes ??= boxesOf(this.fineShapes);
        const fine = await this.fineBoxes;
        boxes = new Map([...fine, ...boxes]);
      }
    } catch {
      // No borders: the border layer has said so, and the map stays where it is; a later fit tries again.
      this.boxes = this.fineBoxes = null;
      return;
    }
    if (generation !== this.generation) return;
    const box = unionBox(
      codes.flatMap((code) => boxes.get(code) ?? []),
      this.lonLimits(),
    );
    if (box) this.fit(L.latLngBounds([box.south, box.west], [box.north, box.east]), animate, this.opts.paddingPx);
  }

  private fit(bounds: L.LatLngBounds, animate: boolean, paddingPx: number): void {
    const options: L.FitBoundsOptions = { padding: L.point(paddingPx, paddingPx), maxZoom: this.opts.maxZoom };
    if (animate && !prefersReducedMotion()) this.map.flyToBounds(bounds, { ...options, duration: this.opts.flySeconds });
    else this.map.fitBounds(bounds, { ...options, animate: false });
  }

  /** How far east and west the map may be moved: its `maxBounds`, else one copy of the world. */
  private lonLimits(): LonLimits {
    const max = this.map.options.maxBounds;
    if (!max) return WORLD_LIMITS;
    const bounds = max instanceof L.LatLngBounds ? max : L.latLngBounds(max);
    return { west: bounds.getWest(), east: bounds.getEast() };
  }
}

/** Every country's box, from its borders (a few ms for the 177 countries of 1:110m). */
async function boxesOf(shapes: CountryShapes): Promise<Map<string, GeoBox>> {
  const polygons = new Map<string, Position[][][]>();
  for (const feature of await shapes()) {
    const code = borderCountryCode(feature.id, feature.properties?.name);
    if (code !== null) polygons.set(code, [...(polygons.get(code) ?? []), ...polygonsOf(feature.geometry)]);
  }
  const boxes = new Map<string, GeoBox>();
  for (const [code, list] of polygons) {
    const box = countryBox(list);
    if (box) boxes.set(code, box);
  }
  return boxes;
}

function prefersReducedMotion(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
}
