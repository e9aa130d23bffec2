/**
 * The followed tag's posts per hour, a small bar chart above the time control (`GET
 * /api/tags/:tag/timeline?step=1h`): over the hours kept by the hour, at most a week, in the current region.
 * A plain SVG, one path for every bar, so a week (168 bars) costs one element and no chart library. The
 * moment shown is a line across it, at the end of the window's last hour; a click on a bar emits `pick`
 * with the end of that hour, so the moment shown counts it. From the keyboard it is a slider over its hours
 * (`role="slider"`): arrows step an hour, Page Up/Down a day, Home and End go to its first and last hour, each
 * picked at once as a click would. Hidden outside tag mode; `toggle` says when it appears or goes.
 */
import type { TimelineResponse } from '../../../common/browser/api';
import { fetchTagTimeline } from '../api/api-client';
import { tagTimelineUrl, type TimelineRequest } from '../api/query-urls';
import { el, formatInteger, setText } from '../util/dom';
import { Emitter } from '../util/emitter';
import { HOUR_MS, floorHour, momentPhrase } from './time-math';

interface TagTimelineEvents {
  /** The end of the hour clicked (ms): the moment whose window ends with that hour. */
  pick: number;
  /** The chart appeared (true) or went (false): what is around it changed size. */
  toggle: boolean;
}

const SVG = 'http://www.w3.org/2000/svg';

/** The chart's drawing box: a unit per hour across, `HEIGHT` units for the busiest hour. */
const HEIGHT = 100;

/** Hours a key moves the chart's hour by (from the hour shown); Home and End go to either end. */
const KEY_STEPS: Record<string, number> = { ArrowLeft: -1, ArrowDown: -1, ArrowRight: 1, ArrowUp: 1, PageDown: -24, PageUp: 24 };

export class TagTimeline extends Emitter<TagTimelineEvents> {
  private root: HTMLElement | null = null;
  private caption!: HTMLElement;
  private svg!: SVGSVGElement;
  private bars!: SVGPathElement;
  private marker!: SVGLineElement;
  private key: string | null = null;
  private inFlight: AbortController | null = null;
  private answer: TimelineResponse | null = null;
  private at: number | null = null;

  mount(parent: HTMLElement): this {
    const root = el('figure', 'tag-timeline');
    root.hidden = true;
    this.caption = el('figcaption', 'tag-timeline-caption');
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('class', 'tag-timeline-chart');
    svg.setAttribute('preserveAspectRatio', 'none');
    svg.setAttribute('role', 'slider');
    svg.setAttribute('tabindex', '0');
    svg.setAttribute('aria-orientation', 'horizontal');
    this.bars = document.createElementNS(SVG, 'path');
    this.bars.setAttribute('class', 'tag-timeline-bars');
    this.marker = document.createElementNS(SVG, 'line');
    this.marker.setAttribute('class', 'tag-timeline-at');
    this.marker.setAttribute('vector-effect', 'non-scaling-stroke');
    svg.append(this.bars, this.marker);
    svg.addEventListener('click', this.onClick);
    svg.addEventListener('keydown', this.onKey);
    this.svg = svg;
    root.append(this.caption, svg);
    parent.append(root);
    this.root = root;
    return this;
  }

  destroy(): void {
    this.inFlight?.abort();
    this.root?.remove();
    this.root = null;
    this.removeAllListeners();
  }

  /** The tag, region and span to chart, or null outside tag mode. Asks again only when the request changed. */
  setQuery(request: TimelineRequest | null): void {
    const key = request === null ? null : tagTimelineUrl(request);
    if (key === this.key) return;
    this.key = key;
    this.inFlight?.abort();
    this.inFlight = null;
    if (request === null) {
      this.answer = null;
      this.render();
      return;
    }
    const controller = new AbortController();
    this.inFlight = controller;
    fetchTagTimeline(request, controller.signal).then(
      (answer) => {
        if (this.inFlight !== controller) return;
        this.inFlight = null;
        this.answer = answer;
        this.render();
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        this.inFlight = null;
        // Asked again with the next change or history refresh.
        this.key = null;
        console.warn('trendmap: the tag timeline is unavailable', error);
      },
    );
  }

  /** The moment shown (ms), null for live: the line across the chart (at its right edge when live). */
  setAt(at: number | null): void {
    this.at = at;
    this.renderMarker();
  }

  private render(): void {
    if (this.root === null) return;
    const answer = this.answer;
    const hidden = answer === null || answer.points.length === 0;
    if (hidden !== this.root.hidden) {
      this.root.hidden = hidden;
      this.emit('toggle', !hidden);
    }
    if (answer === null || answer.points.length === 0) return;
    const points = answer.points;
    const busiest = points.reduce((most, point) => (point.count > most.count ? point : most), points[0]);
    const scale = busiest.count === 0 ? 0 : HEIGHT / busiest.count;
    // One sub-path per hour with posts: a rectangle a unit wide, from the bottom up to its count.
    const d = points
      .map((point, i) => (point.count === 0 ? '' : `M${i} ${HEIGHT}v${(-Math.max(1, point.count * scale)).toFixed(2)}h0.8V${HEIGHT}z`))
      .join('');
    this.bars.setAttribute('d', d);
    this.svg.setAttribute('viewBox', `0 0 ${points.length} ${HEIGHT}`);
    const days = Math.round((answer.to - answer.from) / (24 * HOUR_MS));
    const span = days >= 2 ? `the last ${days} days` : `the last ${Math.round((answer.to - answer.from) / HOUR_MS)} hours`;
    setText(this.caption, `#${answer.tag ?? ''} per hour, ${span}`);
    const peak = busiest.count === 0 ? 'no posts' : `busiest hour ${momentPhrase(busiest.t)} with ${formatInteger(busiest.count)} posts`;
    this.svg.setAttribute('aria-label', `Posts with #${answer.tag ?? ''} per hour over ${span}: ${peak}. Pick an hour to show it.`);
    this.svg.setAttribute('aria-valuemin', '1');
    this.svg.setAttribute('aria-valuemax', String(points.length));
    this.renderMarker();
  }

  private renderMarker(): void {
    const answer = this.answer;
    if (answer === null || answer.points.length === 0) return;
    // A moment's window ends at its hour: the line sits at the end of the last hour it counts.
    const x = this.at === null ? answer.points.length : (floorHour(this.at) - answer.from) / HOUR_MS;
    const inside = x > 0 && x <= answer.points.length;
    this.marker.setAttribute('visibility', inside ? 'visible' : 'hidden');
    const shown = this.shownIndex(answer);
    const point = answer.points[shown];
    this.svg.setAttribute('aria-valuenow', String(shown + 1));
    this.svg.setAttribute('aria-valuetext', `${momentPhrase(point.t + HOUR_MS)}: ${formatInteger(point.count)} posts in the hour before`);
    for (const [name, value] of [
      ['x1', x],
      ['x2', x],
      ['y1', 0],
      ['y2', HEIGHT],
    ] as const)
      this.marker.setAttribute(name, String(value));
  }

  /** The hour the moment shown ends with (its point's index), kept inside the chart; the last when live. */
  private shownIndex(answer: TimelineResponse): number {
    const last = answer.points.length - 1;
    if (this.at === null) return last;
    return Math.min(Math.max((floorHour(this.at) - answer.from) / HOUR_MS - 1, 0), last);
  }

  /** A key that moves the chart's hour picks the hour it moves to, as a click there would. */
  private readonly onKey = (event: KeyboardEvent): void => {
    const answer = this.answer;
    if (answer === null || answer.points.length === 0) return;
    const last = answer.points.length - 1;
    const from = this.shownIndex(answer);
    const to = event.key === 'Home' ? 0 : event.key === 'End' ? last : event.key in KEY_STEPS ? from + KEY_STEPS[event.key] : null;
    if (to === null) return;
    event.preventDefault();
    const index = Math.min(Math.max(to, 0), last);
    if (index !== from || this.at === null) this.emit('pick', answer.points[index].t + HOUR_MS);
  };

  /** The hour under the pointer: the chart spans the points edge to edge. */
  private readonly onClick = (event: MouseEvent): void => {
    const answer = this.answer;
    if (answer === null || answer.points.length === 0) return;
    const box = this.svg.getBoundingClientRect();
    const index = Math.min(Math.max(Math.floor(((event.clientX - box.left) / box.width) * answer.points.length), 0), answer.points.length - 1);
    this.emit('pick', answer.points[index].t + HOUR_MS);
  };
}
