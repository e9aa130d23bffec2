/**
 * The legend of tag mode, bottom left on the map: what the shading means ("Share of each country's posts
 * with #x, last hour") and its classes, plus the colour of "no posts with the tag". Its title is a button
 * that folds it to one line (folded from the start on a phone, where it would cover much of the map). A Leaflet control, so it
 * sits in the map's corner like the zoom buttons and is removed with `remove()`.
 *
 * Accessible name: a `role="group"` named "Legend"; its title and labels are text (every string through
 * `textContent`, the tag included).
 */
import * as L from 'leaflet';
import type { HistoryWindowName } from '../../../common/browser/windows';
import { windowPhrase } from '../panel/window-selector';
import { el } from '../util/dom';
import { FEW_POSTS } from '../../../common/browser/api-constants';
import { FEW_POSTS_COLOUR, legendLabels, type ChoroplethScale } from './choropleth-scale';
import { controlGroup } from './control-group';

export interface LegendContent {
  /** The tag's display spelling, without `#`. */
  display: string;
  window: HistoryWindowName;
  scale: ChoroplethScale;
  /** The fill of countries without the tag (the land colour). */
  noneColour: string;
  /** Whether to list the colour of countries with too few posts for a share. */
  someFew: boolean;
}

/** Screens this narrow (the page's phone layout) open the legend folded: it would cover a third of the map. */
const FOLDED_WIDTH = '(max-width: 760px)';

export class ChoroplethLegend extends L.Control {
  private container: HTMLElement | null = null;
  private content: LegendContent | null = null;
  /** Folded to its title, which is a button that unfolds it (and folds it again). */
  private folded = typeof matchMedia === 'function' && matchMedia(FOLDED_WIDTH).matches;

  constructor() {
    super({ position: 'bottomleft' });
  }

  override onAdd(): HTMLElement {
    const container = controlGroup('choropleth-legend', 'Legend');
    this.container = container;
    this.render();
    return container;
  }

  override onRemove(): void {
    this.container = null;
  }

  /** Whether the legend is on a map. */
  get shown(): boolean {
    return this.container !== null;
  }

  /** Shows the legend for one tag's scale. */
  setContent(content: LegendContent): this {
    this.content = content;
    this.render();
    return this;
  }

  private render(): void {
    const { container, content } = this;
    if (!container || !content) return;
    container.replaceChildren();
    const title = el('p', 'legend-title');
    const toggle = el('button', 'legend-toggle', `#${content.display}`);
    toggle.type = 'button';
    toggle.dir = 'auto';
    toggle.setAttribute('aria-expanded', String(!this.folded));
    toggle.title = this.folded ? 'Show the legend' : 'Fold the legend';
    toggle.addEventListener('click', () => {
      this.folded = !this.folded;
      this.render();
    });
    title.append(toggle);
    const caption = el('p', 'legend-caption', `Share of each country's posts with this hashtag, ${windowPhrase(content.window)}`);
    const list = el('ul', 'legend-classes');
    caption.hidden = this.folded;
    list.hidden = this.folded;
    const labels = legendLabels(content.scale);
    // Strongest first, like the panel's list of countries.
    for (let i = labels.length - 1; i >= 0; i--) list.append(legendRow(content.scale.colours[i], labels[i]));
    if (content.someFew) list.append(legendRow(FEW_POSTS_COLOUR, `fewer than ${FEW_POSTS} posts`));
    list.append(legendRow(content.noneColour, 'none'));
    container.append(title, caption, list);
  }
}

function legendRow(colour: string, label: string): HTMLLIElement {
  const item = el('li', 'legend-class');
  const swatch = el('span', 'legend-swatch');
  swatch.setAttribute('aria-hidden', 'true');
  // CSSOM, not a style attribute: allowed under a Content-Security-Policy without 'unsafe-inline'.
  swatch.style.backgroundColor = colour;
  item.append(swatch, el('span', 'legend-label', label));
  return item;
}
