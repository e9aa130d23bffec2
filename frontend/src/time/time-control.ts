/**
 * The time control under the map (`role="group"`, "Time"): a slider over the hours history covers, with Live
 * at its right end; a date-time picker in the reader's time zone; Play, which steps forward an hour every
 * `playStepMs` and stops at the newest hour; and Live, back to now.
 *
 * It owns no state: the app tells it the history (`setHistory`, from `/api/history`) and the moment shown
 * (`setAt`, ms or null for live), and it emits `at` with the moment the reader chose (null: Live). The slider
 * is an `<input type="range">` of hour positions, so arrows, Page Up/Down, Home and End work as in any
 * slider; while it is dragged the readout follows and the moment is chosen on release.
 */
import type { HistoryResponse } from '../../../common/browser/api';
import { el, setText } from '../util/dom';
import { Emitter } from '../util/emitter';
import {
  HOUR_MS,
  floorHour,
  fromLocalInput,
  hourCount,
  hourRange,
  momentAt,
  momentPhrase,
  nextPlayMoment,
  sliderIndex,
  toLocalInput,
  type HourRange,
} from './time-math';

interface TimeControlEvents {
  /** The moment chosen (ms, a whole hour), or null for Live. */
  at: number | null;
}

const DEFAULTS = {
  /** Play's pace: one hour of history per this many ms. */
  playStepMs: 1_000,
};

export type TimeControlOptions = typeof DEFAULTS;

export class TimeControl extends Emitter<TimeControlEvents> {
  private readonly opts: TimeControlOptions;
  private root: HTMLElement | null = null;
  private slider!: HTMLInputElement;
  private picker!: HTMLInputElement;
  private play!: HTMLButtonElement;
  private live!: HTMLButtonElement;
  private readout!: HTMLOutputElement;
  private range: HourRange | null = null;
  private at: number | null = null;
  private playTimer: ReturnType<typeof setInterval> | undefined;

  constructor(options: Partial<TimeControlOptions> = {}) {
    super();
    this.opts = { ...DEFAULTS, ...options };
  }

  /** Builds the control inside `parent`. */
  mount(parent: HTMLElement): this {
    const root = el('div', 'time-control');
    root.setAttribute('role', 'group');
    root.setAttribute('aria-label', 'Time');

    this.play = el('button', 'time-button time-play');
    this.play.type = 'button';
    this.play.addEventListener('click', () => (this.playing ? this.pause() : this.startPlaying()));

    this.slider = el('input', 'time-slider');
    this.slider.type = 'range';
    this.slider.min = '0';
    this.slider.step = '1';
    this.slider.setAttribute('aria-label', 'Moment shown');
    this.slider.addEventListener('input', () => this.renderReadout(momentAt(this.slider.valueAsNumber, this.rangeOrNow())));
    this.slider.addEventListener('change', () => this.choose(momentAt(this.slider.valueAsNumber, this.rangeOrNow())));

    this.picker = el('input', 'time-picker');
    this.picker.type = 'datetime-local';
    this.picker.step = String(HOUR_MS / 1000);
    this.picker.setAttribute('aria-label', 'Date and time shown (your time zone)');
    this.picker.addEventListener('change', () => {
      const picked = fromLocalInput(this.picker.value);
      if (picked !== null) this.choose(this.clamp(floorHour(picked)));
    });

    this.readout = el('output', 'time-readout');
    this.readout.setAttribute('aria-live', 'polite');

    this.live = el('button', 'time-button time-live', 'Live');
    this.live.type = 'button';
    this.live.title = 'Back to now: the map and the trends as they happen';
    this.live.addEventListener('click', () => this.choose(null));

    root.append(this.play, this.slider, this.readout, this.picker, this.live);
    parent.append(root);
    this.root = root;
    this.render();
    return this;
  }

  destroy(): void {
    this.pause();
    this.root?.remove();
    this.root = null;
    this.removeAllListeners();
  }

  /** The hours history covers, from `/api/history`; the slider spans them. */
  setHistory(history: HistoryResponse): void {
    this.range = hourRange(history);
    this.render();
  }

  /** The moment the page shows (ms), or null for live. */
  setAt(at: number | null): void {
    this.at = at;
    this.render();
  }

  /** Shows `at` (ms), kept inside history (past its newest hour: Live), as if the reader had chosen it. */
  pick(at: number): void {
    const range = this.rangeOrNow();
    this.choose(floorHour(at) > range.last ? null : this.clamp(floorHour(at)));
  }

  get playing(): boolean {
    return this.playTimer !== undefined;
  }

  /** The reader picked a moment (or Live): anything they do stops play, except pressing Play itself. */
  private choose(at: number | null): void {
    this.pause();
    if (at !== this.at) this.emit('at', at);
    else this.render();
  }

  private startPlaying(): void {
    if (this.range === null) return;
    this.playTimer = setInterval(this.step, this.opts.playStepMs);
    // From live, play starts a day back at once; from a moment, its first step is a `playStepMs` away.
    if (this.at === null) this.step();
    this.render();
  }

  private pause(): void {
    if (this.playTimer === undefined) return;
    clearInterval(this.playTimer);
    this.playTimer = undefined;
    this.render();
  }

  private readonly step = (): void => {
    const next = this.range === null ? null : nextPlayMoment(this.at, this.range);
    if (next === null) this.pause();
    else this.emit('at', next);
  };

  /** The range, or one hour ending now while history is unknown (the slider then only holds Live). */
  private rangeOrNow(): HourRange {
    return this.range ?? { first: floorHour(Date.now()), last: floorHour(Date.now()) };
  }

  private clamp(at: number): number {
    const range = this.rangeOrNow();
    return Math.min(Math.max(at, range.first), range.last);
  }

  private render(): void {
    if (this.root === null) return;
    const range = this.rangeOrNow();
    const known = this.range !== null;
    this.slider.max = String(hourCount(range));
    this.slider.value = String(sliderIndex(this.at, range));
    this.slider.disabled = !known;
    this.picker.min = toLocalInput(range.first);
    this.picker.max = toLocalInput(range.last);
    this.picker.disabled = !known;
    if (this.at === null) this.picker.value = '';
    else this.picker.value = toLocalInput(this.at);
    this.play.disabled = !known;
    this.play.setAttribute('aria-pressed', String(this.playing));
    this.play.setAttribute('aria-label', this.playing ? 'Pause' : 'Play through history, an hour a second');
    setText(this.play, this.playing ? '❚❚' : '▶');
    this.live.setAttribute('aria-pressed', String(this.at === null));
    this.root.classList.toggle('is-live', this.at === null);
    this.renderReadout(this.at);
    if (!known) this.slider.setAttribute('aria-valuetext', 'Live (no history yet)');
  }

  /** "Live" or "Fri 20 Nov, 18:00", beside the slider and as its spoken value. */
  private renderReadout(at: number | null): void {
    const text = at === null ? 'Live' : momentPhrase(at);
    setText(this.readout, text);
    this.slider.setAttribute('aria-valuetext', text);
  }
}
