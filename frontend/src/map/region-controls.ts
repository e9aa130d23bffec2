/**
 * The map's region switch, top right: "World" (all posts, the default) and "Trends in this view" (the
 * panel follows the viewport as the map moves). Both are toggle buttons with `aria-pressed` showing the
 * current choice; with a country selected neither is pressed. Reports a click to `onRegion` handlers.
 */
import * as L from 'leaflet';
import { VIEW, WORLD } from '../../../common/browser/api-constants';
import { el } from '../util/dom';
import { controlGroup } from './control-group';

export type RegionChoice = typeof WORLD | typeof VIEW;

export class RegionControls extends L.Control {
  private readonly buttons = new Map<string, HTMLButtonElement>();
  private region: string = WORLD;
  private readonly handlers: ((region: RegionChoice) => void)[] = [];

  constructor() {
    super({ position: 'topright' });
  }

  override onAdd(): HTMLElement {
    const group = controlGroup('region-controls', 'Region');
    const options: [RegionChoice, string, string][] = [
      [WORLD, 'World', 'Trends of the whole world'],
      [VIEW, 'Trends in this view', 'Trends of the part of the map you see; they follow as you pan and zoom'],
    ];
    for (const [region, label, title] of options) {
      const button = el('button', 'region-button', label);
      button.type = 'button';
      button.title = title;
      button.addEventListener('click', () => this.handlers.forEach((handler) => handler(region)));
      this.buttons.set(region, button);
      group.append(button);
    }
    this.render();
    return group;
  }

  override onRemove(): void {
    this.buttons.clear();
  }

  /** Calls `handler` with the region a button chose (a Leaflet control has no events of its own). */
  onRegion(handler: (region: RegionChoice) => void): this {
    this.handlers.push(handler);
    return this;
  }

  setRegion(region: string): void {
    this.region = region;
    this.render();
  }

  private render(): void {
    for (const [region, button] of this.buttons) button.setAttribute('aria-pressed', String(region === this.region));
  }
}
