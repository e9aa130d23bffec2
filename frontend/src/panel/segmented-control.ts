/**
 * A row of toggle buttons (`aria-pressed`) in a labelled group: the window selector and the Top | Rising
 * switch. A group of buttons rather than a select, because the options fit on one line and each is one
 * click away. Emits `change` with the chosen value; the app calls `select` once its state has changed.
 */
import { el } from '../util/dom';
import { Emitter } from '../util/emitter';

export interface Segment<T extends string> {
  value: T;
  label: string;
  /** The tooltip. */
  title: string;
}

interface SegmentedControlEvents<T extends string> {
  change: T;
}

export class SegmentedControl<T extends string> extends Emitter<SegmentedControlEvents<T>> {
  private root: HTMLElement | null = null;
  private readonly buttons = new Map<T, HTMLButtonElement>();

  constructor(
    /** The group's accessible name, e.g. "Time window". */
    private readonly name: string,
    private readonly className: string,
    private readonly segments: readonly Segment<T>[],
    private current: T,
  ) {
    super();
  }

  mount(parent: HTMLElement): this {
    const root = el('div', `segmented ${this.className}`);
    root.setAttribute('role', 'group');
    root.setAttribute('aria-label', this.name);
    for (const { value, label, title } of this.segments) {
      const button = el('button', 'segment', label);
      button.type = 'button';
      button.title = title;
      button.addEventListener('click', () => {
        if (value !== this.current) this.emit('change', value);
      });
      this.buttons.set(value, button);
      root.append(button);
    }
    parent.append(root);
    this.root = root;
    this.render();
    return this;
  }

  /** Shows `value` as chosen. */
  select(value: T): void {
    this.current = value;
    this.render();
  }

  destroy(): void {
    this.root?.remove();
    this.root = null;
    this.buttons.clear();
    this.removeAllListeners();
  }

  private render(): void {
    for (const [value, button] of this.buttons) button.setAttribute('aria-pressed', String(value === this.current));
  }
}
