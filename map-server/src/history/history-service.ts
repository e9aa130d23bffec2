/**
 * History for the routes: the keeper's buckets joined to the engine's open hours, the answers from them
 * (kept while nothing they read changed), the timelines, and an export's rows one bucket at a time. Also
 * what the map-server calls every tick (`tick`: the hours the engine closed, written) and at shutdown.
 */
import {
  type HistoryResponse,
  type LabelsResponse,
  type StepName,
  type TagRegionsResponse,
  type TimelineResponse,
  type TrendsResponse,
} from '../../../common/browser/api';
import type { Area } from '../core/area';
import { areaKey } from '../core/area';
import { AnswerCache } from '../core/answer-cache';
import { answerHistoryLabels, type HistoryLabelsQuery } from '../core/history/history-labels';
import { labelsQueryKey } from '../core/labels-query';
import {
  answerHistoryTagRegions,
  answerHistoryTrends,
  regionsOf,
  type HistoryTagRegionsQuery,
  type HistoryTrendsQuery,
  type SpanRead,
} from '../core/history/history-answers';
import { addUpInto, countIn } from '../core/history/history-query';
import { cellsBox, pickRegions, type RegionPick } from '../core/history/history-regions';
import { HOUR_MS } from '../core/history/open-hours';
import type { TrendEngine } from '../trend-engine';
import type { HistoryKeeper } from './history-keeper';

/** Hours per step. */
export const STEP_HOURS: Record<StepName, number> = { '1h': 1, '1d': 24 };

/** Most points a timeline or an export may span (a year of hours, 27 years of days). */
export const MAX_STEPS = 10_000;

/** A time range and step a timeline or export was asked for, checked (hours since the epoch, whole steps). */
export interface HistoryRange {
  fromHour: number;
  toHour: number;
  step: StepName;
}

/** Why a range cannot be answered: a message for a 400. */
export class RangeRefused extends Error {}

export class History {
  private readonly answers = new AnswerCache<TrendsResponse | TagRegionsResponse | LabelsResponse>();

  constructor(
    readonly keeper: HistoryKeeper,
    private readonly engine: TrendEngine,
  ) {
    keeper.attach(engine);
  }

  /** Changes whenever an answer from history may: a bucket written, or a post counted in an open hour. */
  private get version(): number {
    return this.keeper.writes + this.engine.openHours.version;
  }

  /** Writes the hours the engine closed by `nowMs` (arrival time); those a failed write left, the engine holds open again. */
  tick(nowMs: number): void {
    // While history is taken from the others, the hours stay open: which of them to keep is known only after.
    if (this.keeper.loading) return;
    const unwritten = this.keeper.store(this.engine.closeHours(nowMs));
    if (unwritten.length > 0) this.engine.openHours.giveBack(unwritten);
  }

  info(): HistoryResponse {
    return this.keeper.info();
  }

  trends(query: HistoryTrendsQuery): TrendsResponse {
    const key = `${areaKey(query)}|${query.window}|${query.sort}|${query.limit}|${query.atMs}`;
    return this.answers.get(`trends|${key}`, this.version, () => answerHistoryTrends(query, this.sourceFor(query.window === '30d')));
  }

  labels(query: HistoryLabelsQuery): LabelsResponse {
    const key = `labels|${labelsQueryKey({ ...query, window: '1h' })}|${query.window}|${query.atMs}`;
    return this.answers.get(key, this.version, () => answerHistoryLabels(query, this.sourceFor(query.window === '30d')));
  }

  tagRegions(query: HistoryTagRegionsQuery): TagRegionsResponse {
    const key = `tag-regions|${query.tag}|${query.window}|${query.limit}|${query.atMs}`;
    return this.answers.get(key, this.version, () => answerHistoryTagRegions(query, this.sourceFor(query.window === '30d')));
  }

  /**
   * `from` and `to` (ms; null: the defaults) as whole steps: `to` defaults to the newest event counted (or
   * now, before any), `from` to a day before it at `1h` and 30 days at `1d`; refused when `from` is not
   * before `to`, when the range spans more than `MAX_STEPS`, or when hourly steps reach back past the hours kept.
   */
  range(fromMs: number | null, toMs: number | null, step: StepName, nowMs: number): HistoryRange {
    const stepHours = STEP_HOURS[step];
    const to = toMs ?? this.keeper.endMs ?? nowMs;
    const from = fromMs ?? to - (step === '1h' ? 24 : 30 * 24) * HOUR_MS;
    if (from >= to) throw new RangeRefused(`from must be before to; got from=${new Date(from).toISOString()} to=${new Date(to).toISOString()}`);
    const fromHour = Math.floor(from / HOUR_MS / stepHours) * stepHours;
    const toHour = Math.ceil(to / HOUR_MS / stepHours) * stepHours;
    const steps = (toHour - fromHour) / stepHours;
    if (steps > MAX_STEPS) throw new RangeRefused(`a range may span at most ${MAX_STEPS} steps of ${step}; this one spans ${steps}`);
    const hourlyFrom = this.keeper.hourlyFrom;
    if (step === '1h' && fromHour < hourlyFrom) {
      throw new RangeRefused(
        `step=1h reaches back to ${new Date(fromHour * HOUR_MS).toISOString()}, before the hours kept (from ` +
          `${new Date(hourlyFrom * HOUR_MS).toISOString()}, HISTORY_DAYS=${this.keeper.info().hourlyDays}); use step=1d for older times`,
      );
    }
    return { fromHour, toHour, step };
  }

  /** Posts per step in an area: a tag's (`tag`; null: all posts, as `count`) and all of them. */
  timeline(area: Area, tag: string | null, range: HistoryRange): TimelineResponse {
    const stepHours = STEP_HOURS[range.step];
    const regions = regionsOf(area);
    const id = tag === null ? null : this.keeper.dictionary.idOf(tag);
    // A tag history never counted: every bucket's posts, and no count of it.
    const { counts, posts } = this.keeper.timelineCounts(
      regions,
      id === -1 ? null : id,
      range.fromHour,
      range.toHour,
      stepHours,
      range.step === '1d',
    );
    if (id === -1) counts.fill(0);
    return {
      ...(tag !== null && { tag }),
      region: area.region,
      ...(area.bbox !== null && { bbox: cellsBox(area.bbox) }),
      step: range.step,
      from: range.fromHour * HOUR_MS,
      to: range.toHour * HOUR_MS,
      points: Array.from(posts, (all, i) => ({ t: (range.fromHour + i * stepHours) * HOUR_MS, count: counts[i], posts: all })),
    };
  }

  /**
   * The export's rows, one step at a time (each step read, added up and let go before the next): per step,
   * every tag with posts in the area (or only `tag`), busiest first, as `[bucket start ms, tag, count]`.
   */
  *exportRows(area: Area, tag: string | null, range: HistoryRange): Generator<[number, string, number][]> {
    const stepHours = STEP_HOURS[range.step];
    const regions = regionsOf(area);
    const pick = pickRegions(regions);
    const { dictionary } = this.keeper;
    // Every tag's posts of a step, by tag id: kept from step to step, only the ids a step added zeroed after it.
    let totals = new Uint32Array(0);
    for (let hour = range.fromHour; hour < range.toHour; hour += stepHours) {
      const preferDays = range.step === '1d';
      if (tag !== null) {
        // One tag: only its row of each region read (known from the step it is first counted in).
        const id = dictionary.idOf(tag);
        const count = id < 0 ? 0 : countIn(this.keeper.span(hour, hour + stepHours, pick, { preferDays, tag: id }).summaries, regions, id);
        yield count > 0 ? [[hour * HOUR_MS, dictionary.key(id), count]] : [];
        continue;
      }
      const span = this.keeper.span(hour, hour + stepHours, pick, { preferDays });
      // Every tag: added up into the array (a world day is millions of rows; a Map of them would be hundreds
      // of MB of garbage a step).
      if (totals.length < dictionary.size) totals = new Uint32Array(dictionary.size);
      const added = addUpInto(span.summaries, regions, totals);
      const rows = added.map((tagId): [number, string, number] => [hour * HOUR_MS, dictionary.key(tagId), totals[tagId]]);
      for (const tagId of added) totals[tagId] = 0;
      rows.sort((a, b) => b[2] - a[2] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
      yield rows;
    }
  }

  /** The history source for an answer: days read whole for a 30-day window (its sparkline's slots are days). */
  private sourceFor(preferDays: boolean) {
    const keeper = this.keeper;
    return {
      span: (fromHour: number, toHour: number, pick?: RegionPick, options?: SpanRead) =>
        keeper.span(fromHour, toHour, pick, { ...options, preferDays }),
      get firstHour() {
        return keeper.firstHour;
      },
      get endMs() {
        return keeper.endMs;
      },
      dictionary: keeper.dictionary,
    };
  }
}
