/**
 * The attribution line, as plain text. Leaflet's own attribution control renders its strings as markup, and
 * the tile attribution comes from server config; here every part goes in through `textContent`. Config that
 * still carries markup (the usual `&copy; <a href=...>OpenStreetMap</a>`) is reduced to its text.
 */
import * as L from 'leaflet';
import { attributionText } from '../util/attribution-text';

export class TextAttribution extends L.Control {
  private readonly parts = new Map<string, string>();
  private container: HTMLElement | null = null;

  constructor(options: L.ControlOptions = {}) {
    super({ position: 'bottomright', ...options });
  }

  override onAdd(): HTMLElement {
    this.container = L.DomUtil.create('div', 'leaflet-control-attribution trend-attribution');
    // Clicks on the credits must not select the sea underneath.
    L.DomEvent.disableClickPropagation(this.container);
    this.render();
    return this.container;
  }

  override onRemove(): void {
    this.container = null;
  }

  /** Sets (or with '' removes) one named part of the line, e.g. `tiles`. */
  setPart(key: string, raw: string): this {
    const text = attributionText(raw);
    if (text === '') this.parts.delete(key);
    else this.parts.set(key, text);
    this.render();
    return this;
  }

  private render(): void {
    if (this.container) this.container.textContent = [...this.parts.values()].join(' · ');
  }
}
