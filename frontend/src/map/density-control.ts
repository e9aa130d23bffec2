/**
 * The density switch, top right under the region buttons: a toggle button "Density" whose `aria-pressed`
 * says whether the density layer is shown. Until the reader chooses, the layer follows the live dots: shown
 * while they are sparse (a finished replay, a quiet stream: fewer than `sparseDots` on the map), hidden while
 * they fill the map themselves. A choice is kept in local storage, for the next visit too.
 */
import * as L from 'leaflet';
import { el } from '../util/dom';
import { readChoice, storeChoice } from '../util/stored-choice';
import { controlGroup } from './control-group';

/** Shown or hidden by the reader, or following the dots (`auto`). */
export type DensityChoice = 'auto' | 'on' | 'off';

const DEFAULTS = {
  /** Fewer live dots than this and the map looks empty: the density layer shows what the window holds. */
  sparseDots: 100,
  /** How often `auto` looks at the dots, in ms. */
  checkMs: 2_000,
  storageKey: 'trendmap.density',
};

export class DensityControl extends L.Control {
  private readonly opts: typeof DEFAULTS;
  private button: HTMLButtonElement | null = null;
  private timer: ReturnType<typeof setInterval> | undefined;
  private choice: DensityChoice;

  /** `layer`: what is shown and hidden; `liveDots`: how many dots the map shows now. */
  constructor(
    private readonly layer: L.Layer,
    private readonly liveDots: () => number,
    options: Partial<typeof DEFAULTS> = {},
  ) {
    super({ position: 'topright' });
    this.opts = { ...DEFAULTS, ...options };
    this.choice = readChoice(this.opts.storageKey, ['on', 'off']);
  }

  override onAdd(map: L.Map): HTMLElement {
    const group = controlGroup('density-control', 'Layers');
    const button = el('button', 'region-button', 'Density');
    button.type = 'button';
    button.title = "Where the window's posts came from, counted per map tile";
    button.addEventListener('click', () => {
      this.choice = map.hasLayer(this.layer) ? 'off' : 'on';
      storeChoice(this.opts.storageKey, this.choice);
      this.apply(map);
    });
    group.append(button);
    this.button = button;
    this.timer = setInterval(() => this.apply(map), this.opts.checkMs);
    this.apply(map);
    return group;
  }

  override onRemove(): void {
    clearInterval(this.timer);
    this.button = null;
  }

  private apply(map: L.Map): void {
    const show = this.choice === 'auto' ? this.liveDots() < this.opts.sparseDots : this.choice === 'on';
    if (show && !map.hasLayer(this.layer)) this.layer.addTo(map);
    if (!show && map.hasLayer(this.layer)) this.layer.remove();
    this.button?.setAttribute('aria-pressed', String(show));
  }
}
