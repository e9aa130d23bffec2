/**
 * The time-window switch (15m · 1h · 6h · 24h): a group of toggle buttons rather than a select, because
 * four options fit on one line and each is one click away. Emits `change` with the chosen window.
 */
import { DEFAULT_WINDOW, WINDOW_NAMES, WINDOWS, type WindowName } from '../../../common/src/windows';
import { el } from '../util/dom';
import { Emitter } from '../util/emitter';

interface WindowSelectorEvents {
  change: WindowName;
}

/** "the last hour", "the last 6 hours": how the panel describes a window in running text. */
export function windowPhrase(name: WindowName): string {
  const minutes = WINDOWS[name];
  if (minutes < 60) return `the last ${minutes} minutes`;
  const hours = minutes / 60;
  return hours === 1 ? 'the last hour' : `the last ${hours} hours`;
}

export class WindowSelector extends Emitter<WindowSelectorEvents> {
  private root: HTMLElement | null = null;
  private readonly buttons = new Map<WindowName, HTMLButtonElement>();
  private current: WindowName = DEFAULT_WINDOW;

  mount(parent: HTMLElement): this {
    const root = el('div', 'window-selector');
    root.setAttribute('role', 'group');
    root.setAttribute('aria-label', 'Time window');
    for (const name of WINDOW_NAMES) {
      const button = el('button', 'window-button', name);
      button.type = 'button';
      button.title = `Trends over ${windowPhrase(name)}`;
      button.addEventListener('click', () => {
        if (name !== this.current) this.emit('change', name);
      });
      this.buttons.set(name, button);
      root.append(button);
    }
    parent.append(root);
    this.root = root;
    this.render();
    return this;
  }

  /** Shows `name` as the chosen window (the app calls this once the state has changed). */
  setWindow(name: WindowName): void {
    this.current = name;
    this.render();
  }

  destroy(): void {
    this.root?.remove();
    this.root = null;
    this.buttons.clear();
    this.removeAllListeners();
  }

  private render(): void {
    for (const [name, button] of this.buttons) button.setAttribute('aria-pressed', String(name === this.current));
  }
}
