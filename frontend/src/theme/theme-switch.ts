/**
 * Light or dark: the page follows the reader's system (`prefers-color-scheme`, through CSS `light-dark()`)
 * until they choose; the header's theme button then cycles Auto → Light → Dark, sets `data-theme` on the
 * root element (which pins `color-scheme`) and keeps the choice in local storage. What CSS cannot reach (the
 * borders drawn on the map's canvas) is told through `change` with the theme in force.
 */
import { el } from '../util/dom';
import { Emitter } from '../util/emitter';
import { readChoice, storeChoice } from '../util/stored-choice';

export type ThemeChoice = 'auto' | 'light' | 'dark';
export type Theme = 'light' | 'dark';

const STORAGE_KEY = 'trendmap.theme';
const NEXT: Record<ThemeChoice, ThemeChoice> = { auto: 'light', light: 'dark', dark: 'auto' };
const LABEL: Record<ThemeChoice, string> = { auto: 'Theme: auto', light: 'Theme: light', dark: 'Theme: dark' };

export class ThemeSwitch extends Emitter<{ change: Theme }> {
  private choice: ThemeChoice = readChoice(STORAGE_KEY, ['light', 'dark']);
  private button: HTMLButtonElement | null = null;
  private readonly media = matchMedia('(prefers-color-scheme: light)');

  mount(parent: HTMLElement): this {
    const button = el('button', 'theme-switch');
    button.type = 'button';
    button.addEventListener('click', () => {
      this.choice = NEXT[this.choice];
      storeChoice(STORAGE_KEY, this.choice);
      this.apply();
    });
    parent.append(button);
    this.button = button;
    this.media.addEventListener('change', () => this.apply());
    this.apply();
    return this;
  }

  /** The theme in force: the choice, or the system's when the choice is auto. */
  get theme(): Theme {
    if (this.choice !== 'auto') return this.choice;
    return this.media.matches ? 'light' : 'dark';
  }

  private apply(): void {
    const root = document.documentElement;
    if (this.choice === 'auto') delete root.dataset.theme;
    else root.dataset.theme = this.choice;
    if (this.button) {
      this.button.textContent = LABEL[this.choice];
      this.button.title = 'Light, dark, or as your system says (auto); kept in this browser';
    }
    this.emit('change', this.theme);
  }
}
