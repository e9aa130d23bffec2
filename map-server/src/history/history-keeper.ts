/**
 * Keeps history: writes each hour the engine closes as a bucket on its shelf (bucket-shelf.ts), rolls each
 * day that is over into one bucket, lets hours go after `hourlyDays` and days after `dailyDays`, and reads
 * the buckets back for the answers (`HistorySource`), with the hours still open taken from the engine.
 *
 * On the shelf:
 * - `hours/2026-11-27T01.17.tmh`: a part of an hour, numbered (`ClosedHour.seq`). An hour is usually one
 *   part; a straggler after it closed adds another, and reads add them up.
 * - `days/2026-11-27.40.tmh`: a day, made from its hours' parts up to number 40. Read instead of its hours
 *   for daily timelines, 30-day windows, and once its hours are let go.
 * - `tags.tsv`: the tags, numbered by line (history-dictionary.ts).
 * Restarts: parts numbered from the snapshot's next number on were written after the snapshot, and are
 * deleted (with the days made from them): history then holds what the restored counts hold. With no
 * snapshot, counting starts after the newest hour on the shelf, so a rebuild from the log does not count an
 * hour twice.
 * Time is event time (the windows' end): an archive from 2014 keeps 2014's days.
 */
import type { HistoryResponse } from '../../../common/browser/api';
import type { Logger } from '../../../common/node/log';
import { HistoryDictionary } from '../core/history/history-dictionary';
import { HourSummary, mergeSummaries, renumbered, summaryOf, type RegionTally } from '../core/history/hour-summary';
import { bucketIndex, decodeSummary, encodeSummary, type BucketIndex, type ReadBytes } from '../core/history/bucket-file';
import { readRegions, readTag, readTops } from '../core/history/bucket-parts';
import type { RegionPick } from '../core/history/history-regions';
import { HOUR_MS, LATE_MINUTES, type ClosedHour, type KeyTally, type OpenHours } from '../core/history/open-hours';
import type { HistorySource, HistorySpan, SpanRead } from '../core/history/history-answers';
import { BucketCache } from './bucket-cache';
import type { BucketShelf } from './bucket-shelf';
import { encodeShared, type SharedBucket } from './shared-bucket';

/** What of a picked region a bucket not in memory is read for: all its rows, its busiest, or one tag's. */
type PartRead = 'regions' | 'tops' | { tag: number };

/** Buckets another map-server shared, taken in as they are read (`HistoryKeeper.importer`). */
export interface SharedImport {
  /** Takes a bucket read under `key` (null: the key deleted), replacing what an earlier one under it brought. */
  take(key: string, bucket: SharedBucket | null): void;
  /** The hours and days taken so far. */
  taken(): { hours: number; days: number };
  /** The hour after the newest taken (hours since the epoch), or null: the engine need not count before it. */
  countFrom(): number | null;
  /** Ends the import: the open hours count in answers again. Call `restored(null)` next. */
  finish(): void;
  /** Lets every bucket taken go again, and ends the import. */
  abandon(): void;
}

/** How `span` reads its buckets: with a pick, what of it (`SpanRead`); and whether days stand for their hours. */
export interface SpanOptions extends SpanRead {
  /** Whole days read as days where a day's bucket is up to date (a 30-day window, a daily timeline). */
  preferDays?: boolean;
}

export interface HistoryOptions {
  /** Days hourly buckets are kept for (`HISTORY_DAYS`). */
  hourlyDays: number;
  /** Days daily buckets are kept for (`HISTORY_DAILY_DAYS`); 0: for ever. */
  dailyDays: number;
  /** What the buckets read back may keep in memory, in bytes. */
  cacheBytes?: number;
}

/** What the keeper reads from the engine: its open hours, where its windows end, and a tag's spelling. */
export interface HistoryFeed {
  readonly openHours: Pick<OpenHours, 'forEachOpen' | 'version' | 'oldestHour' | 'openCount'>;
  readonly windowsEndMs: number | null;
  displayOf(key: string): string | undefined;
}

/** What history holds and how writing goes, for /metrics. */
export interface HistoryStats {
  hours: number;
  days: number;
  tags: number;
  /** Hours still being counted (the engine's open hours). */
  openHours: number;
  pendingHours: number;
  writeFailures: number;
  /** Whether buckets are still being taken from the other map-servers (`importer`). */
  loading: boolean;
}

/** What reading the shelf at start took, for the log and /metrics. */
export interface HistoryLoad {
  ms: number;
  hours: number;
  days: number;
  tags: number;
}

/** History kept by default: hours for 30 days (`HISTORY_DAYS`), days for a year (`HISTORY_DAILY_DAYS`). */
export const HISTORY_DEFAULTS: HistoryOptions = { hourlyDays: 30, dailyDays: 365 };

const DEFAULT_CACHE_BYTES = 256 * 1024 * 1024;
/** Counts looked up past a partial bucket's rows that it remembers, and what each takes in a Map, about. */
const MAX_REMEMBERED = 64;
const REMEMBERED_BYTES = 40;
/** The first number of a day taken from the others (`importer`): above any hour's, however many were shared. */
const IMPORTED_DAY_SEQ = 1_000_000_000;
/** On the shelf while buckets are taken from the others: found at start, the take was cut short (a crash). */
const IMPORT_MARK = 'importing';
const HOURS_PER_DAY = 24;

interface Part {
  name: string;
  seq: number;
}

/** `2026-11-27T01` for an hour, `2026-11-27` for a day (hours since the epoch). */
const hourName = (hour: number) => new Date(hour * HOUR_MS).toISOString().slice(0, 13);
const dayName = (day: number) => new Date(day * HOURS_PER_DAY * HOUR_MS).toISOString().slice(0, 10);

/** `hours/<hour>.<seq>.tmh` or `days/<day>.<seq>.tmh` -> its hour (or day) and number; null for another file. */
function parseName(name: string): { kind: 'hours' | 'days'; at: number; seq: number } | null {
  const match = /^(hours|days)\/(\d{4}-\d{2}-\d{2}(?:T\d{2})?)\.(\d+)\.tmh$/.exec(name);
  if (match === null) return null;
  const kind = match[1] as 'hours' | 'days';
  const ms = Date.parse(kind === 'hours' ? `${match[2]}:00:00Z` : `${match[2]}T00:00:00Z`);
  if (!Number.isFinite(ms)) return null;
  return { kind, at: kind === 'hours' ? ms / HOUR_MS : ms / HOUR_MS / HOURS_PER_DAY, seq: Number(match[3]) };
}

/** Tags as lines of the tags file: `key<TAB>display` (a tab or line break in a spelling becomes a space). */
function tagLines(tags: readonly { key: string; display: string }[]): string {
  return tags.map(({ key, display }) => `${key}\t${display.replace(/[\t\n]/g, ' ')}\n`).join('');
}

export class HistoryKeeper implements HistorySource {
  readonly dictionary: HistoryDictionary;
  /** Hour -> its parts; day -> its bucket. */
  private readonly hours = new Map<number, Part[]>();
  private readonly days = new Map<number, Part>();
  private readonly cache: BucketCache;
  /** The open hours as buckets, by hour, each with the stamp it was built at (remade only when its hour changed). */
  private openCache = new Map<number, { stamp: number; summary: HourSummary }>();
  private openVersion = -1;
  private openList: HourSummary[] = [];
  private feed: HistoryFeed | null = null;
  /** Buckets written or deleted so far: answers kept from the buckets are valid while it stands. */
  writes = 0;
  /** Hours not written at the last `store` (a write failed). */
  private unwritten = 0;
  private failing = false;
  private writeFailures = 0;
  /** Where each bucket written is shared, and each let go is withdrawn (null); none by default. */
  private share: ((key: string, bytes: Uint8Array | null) => void) | null = null;
  /** Buckets that could not be read (damaged), each reported once. */
  private readonly unreadable = new Set<string>();
  /** While buckets are taken from the others (`importer`): no hour is written, and open hours they cover are left out of answers. */
  private importing = false;

  private constructor(
    private readonly shelf: BucketShelf,
    private readonly options: HistoryOptions,
    private readonly log: Pick<Logger, 'warn'>,
  ) {
    this.cache = new BucketCache(options.cacheBytes ?? DEFAULT_CACHE_BYTES);
    if (shelf.marked(IMPORT_MARK)) {
      // Only what an import took is on such a shelf (no hour is written meanwhile): partial, so let go, and
      // this start takes it all again.
      for (const name of shelf.list()) shelf.remove(name);
      shelf.mark(IMPORT_MARK, false);
      log.warn("history: the last start stopped while it took the other map-servers' history; what it took is let go, and taken again");
    }
    this.dictionary = HistoryDictionary.of(
      shelf
        .readTags()
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => {
          const tab = line.indexOf('\t');
          return tab < 0 ? { key: line, display: line } : { key: line.slice(0, tab), display: line.slice(tab + 1) };
        }),
    );
    for (const name of shelf.list()) {
      const parsed = parseName(name);
      if (parsed === null) continue;
      if (parsed.kind === 'hours') this.partsOf(parsed.at).push({ name, seq: parsed.seq });
      else this.keepDay(parsed.at, { name, seq: parsed.seq });
    }
  }

  /** Reads the shelf's index and tags (not its buckets: those are read when asked). */
  static open(shelf: BucketShelf, options: HistoryOptions, log: Pick<Logger, 'warn'>): { keeper: HistoryKeeper; load: HistoryLoad } {
    const started = performance.now();
    const keeper = new HistoryKeeper(shelf, options, log);
    const load = { ms: performance.now() - started, hours: keeper.hours.size, days: keeper.days.size, tags: keeper.dictionary.size };
    return { keeper, load };
  }

  /** Whether the shelf holds no bucket (a fresh data directory, or none). */
  get holdsNothing(): boolean {
    return this.hours.size === 0 && this.days.size === 0;
  }

  /** Where history is kept. */
  get storage(): 'files' | 'memory' {
    return this.shelf.kind;
  }

  /**
   * Shares every hour and day from now on (`shared-bucket.ts`): an hour, all its parts together, each time a
   * part is written; a day when it is made; a null when one is let go.
   */
  shareTo(share: (key: string, bytes: Uint8Array | null) => void): void {
    this.share = share;
  }

  /**
   * Takes in buckets another map-server shared, into a shelf that holds none (a fresh map-server), all at once:
   * hours first, then days (`importer`).
   */
  importShared(buckets: readonly SharedBucket[]): { hours: number; days: number } {
    const importing = this.importer();
    for (const kind of ['hours/', 'days/']) for (const bucket of buckets) if (bucket.key.startsWith(kind)) importing.take(bucket.key, bucket);
    return importing.taken();
  }

  /**
   * Takes in the buckets another map-server shared, one at a time as they are read, into a shelf that held
   * none (a fresh map-server): each written at once, a later bucket under the same key replacing the earlier,
   * a null deleting it. Hours are numbered from 0 and days from `IMPORTED_DAY_SEQ`, so that whatever order the
   * topic gives them in, a day counts as made from every hour taken (as its publisher made it), never as a
   * bucket its hours add to. `abandon` lets all of them go again (a read that failed part way: the log alone
   * is then counted). Call `restored(null)` after, which then starts counting after the newest hour taken.
   *
   * The live windows are counted meanwhile: until `finish` (or `abandon`), the engine's open hours are not
   * closed (`loading`), and an answer reads an hour or day taken instead of the open hour it covers, so that
   * nothing is counted twice while history fills in.
   */
  importer(): SharedImport {
    this.shelf.mark(IMPORT_MARK, true);
    this.importing = true;
    let hourSeq = 0;
    let daySeq = IMPORTED_DAY_SEQ;
    /** Key -> its file, and the hour after the last it covers. */
    const files = new Map<string, { name: string; endHour: number }>();
    const drop = (key: string) => {
      const file = files.get(key);
      if (file === undefined) return;
      files.delete(key);
      this.forget(file.name);
    };
    return {
      take: (key, bucket) => {
        drop(key);
        if (bucket === null || !this.ownKey(bucket)) return;
        const hour = key.startsWith('hours/');
        const seq = hour ? hourSeq++ : daySeq++;
        if (hourSeq >= IMPORTED_DAY_SEQ) throw new Error(`more than ${IMPORTED_DAY_SEQ} hours shared: the topic is not history`);
        const name = `${key}.${seq}.tmh`;
        this.writeShared(bucket, name);
        if (hour) this.partsOf(bucket.summary.startHour).push({ name, seq });
        else this.keepDay(bucket.summary.startHour / HOURS_PER_DAY, { name, seq });
        files.set(key, { name, endHour: bucket.summary.endHour });
      },
      countFrom: () => {
        let from: number | null = null;
        for (const { endHour } of files.values()) from = Math.max(from ?? endHour, endHour);
        return from;
      },
      taken: () => {
        const keys = [...files.keys()];
        return { hours: keys.filter((key) => key.startsWith('hours/')).length, days: keys.filter((key) => key.startsWith('days/')).length };
      },
      finish: () => {
        this.importing = false;
        this.shelf.mark(IMPORT_MARK, false);
      },
      abandon: () => {
        this.importing = false;
        for (const key of [...files.keys()]) drop(key);
        this.shelf.mark(IMPORT_MARK, false);
      },
    };
  }

  /** Whether a shared bucket's key names exactly its own hour or day (the key names the file); logged when not. */
  private ownKey(bucket: SharedBucket): boolean {
    const kind = bucket.key.startsWith('hours/') ? 'hours' : 'days';
    const { startHour, hours } = bucket.summary;
    const own = kind === 'hours' ? `hours/${hourName(startHour)}` : `days/${dayName(startHour / HOURS_PER_DAY)}`;
    if (bucket.key === own && hours === (kind === 'hours' ? 1 : HOURS_PER_DAY) && (kind === 'hours' || startHour % HOURS_PER_DAY === 0)) return true;
    this.log.warn(`history: a shared bucket under ${JSON.stringify(bucket.key.slice(0, 60))} holds ${own}; it is left out`);
    return false;
  }

  /** Writes a shared bucket under `name`, its tags numbered here. */
  private writeShared(bucket: SharedBucket, name: string): void {
    const ids = new Uint32Array(bucket.tags.length);
    bucket.tags.forEach(({ key, display }, i) => (ids[i] = this.dictionary.intern(key, display)));
    this.saveTags();
    this.shelf.write(name, encodeSummary(renumbered(bucket.summary, ids)));
    this.writes += 1;
  }

  /** Lets a bucket on the shelf go: its file, and its place among the hours or as its day's bucket. */
  private forget(name: string): void {
    const parsed = parseName(name);
    if (parsed?.kind === 'hours') {
      const kept = (this.hours.get(parsed.at) ?? []).filter((part) => part.name !== name);
      if (kept.length === 0) this.hours.delete(parsed.at);
      else this.hours.set(parsed.at, kept);
    } else if (parsed?.kind === 'days' && this.days.get(parsed.at)?.name === name) {
      this.days.delete(parsed.at);
    }
    this.remove(name);
  }

  /** Whether buckets are still being taken from the other map-servers (`importer`): hours are then not closed. */
  get loading(): boolean {
    return this.importing;
  }

  /** Reads the engine's open hours and end from now on. */
  attach(feed: HistoryFeed): void {
    this.feed = feed;
  }

  /**
   * After the engine was restored: with the snapshot's next part number, deletes what was written after it;
   * without a snapshot (null), says from which hour counting may start (null: anything), and the next number.
   */
  restored(nextSeq: number | null): { countFrom: number | null; nextSeq: number } {
    if (nextSeq !== null) {
      // The days with hours, read before the parts go: a day made only from parts after the snapshot goes with them.
      const daysWithHours = new Set([...this.hours.keys()].map((hour) => Math.floor(hour / HOURS_PER_DAY)));
      for (const [hour, parts] of this.hours) {
        const kept = parts.filter((part) => part.seq < nextSeq);
        for (const part of parts) if (part.seq >= nextSeq) this.remove(part.name);
        if (kept.length === 0) this.hours.delete(hour);
        else this.hours.set(hour, kept);
      }
      for (const [day, part] of this.days) {
        // A day made after the snapshot is made again from its hours, while they are kept.
        if (part.seq >= nextSeq && daysWithHours.has(day)) {
          this.remove(part.name);
          this.days.delete(day);
        }
      }
      return { countFrom: null, nextSeq };
    }
    let newest: number | null = null;
    let seq = -1;
    for (const [hour, parts] of this.hours) {
      newest = Math.max(newest ?? hour, hour);
      for (const part of parts) seq = Math.max(seq, part.seq);
    }
    for (const [day, part] of this.days) {
      newest = Math.max(newest ?? 0, (day + 1) * HOURS_PER_DAY - 1);
      seq = Math.max(seq, part.seq);
    }
    return { countFrom: newest === null ? null : newest + 1, nextSeq: seq + 1 };
  }

  /**
   * Writes the hours the engine closed, then rolls up the days that are over and lets the oldest go. A write
   * that fails is logged (once until one succeeds again), and the hours not written are handed back, for the
   * engine to hold as open (and save with its state) and close again: none is lost, even by a crash.
   */
  store(closed: readonly ClosedHour[]): ClosedHour[] {
    let written = 0;
    try {
      for (const hour of closed) {
        const summary = this.summaryOfKeys(hour.hour, hour.regions, hour.displays);
        // The tags first: a bucket on the shelf never holds an id the tags file lacks.
        this.saveTags();
        const name = `hours/${hourName(hour.hour)}.${hour.seq}.tmh`;
        this.shelf.write(name, encodeSummary(summary));
        this.writes += 1;
        this.partsOf(hour.hour).push({ name, seq: hour.seq });
        written += 1;
        this.shareHour(hour.hour);
      }
      this.rollUp();
      if (this.failing) this.log.warn('history is written again');
      this.failing = false;
      this.unwritten = 0;
    } catch (error) {
      this.writeFailures += 1;
      this.unwritten = closed.length - written;
      if (!this.failing) this.log.warn(`could not write history (${(error as Error).message}); ${this.unwritten} hour(s) wait to be written`);
      this.failing = true;
    }
    return closed.slice(written);
  }

  /** Saves the tags numbered since the last save; they count as saved only once the append succeeded. */
  private saveTags(): void {
    const added = this.dictionary.unsaved();
    if (added.length === 0) return;
    this.shelf.appendTags(tagLines(added));
    this.dictionary.markSaved(added.length);
  }

  /** Hours closed but not written at the last try (a write failed; the engine holds them open again). */
  get pendingHours(): number {
    return this.unwritten;
  }

  /** What history holds and how writing goes, for /metrics. */
  stats(): HistoryStats {
    return {
      hours: this.hours.size,
      days: this.days.size,
      tags: this.dictionary.size,
      openHours: this.feed?.openHours.openCount ?? 0,
      pendingHours: this.unwritten,
      writeFailures: this.writeFailures,
      loading: this.importing,
    };
  }

  /** The first hour held (open or kept), or null. */
  get firstHour(): number | null {
    let first: number | null = this.feed?.openHours.oldestHour ?? null;
    for (const hour of this.hours.keys()) first = Math.min(first ?? hour, hour);
    for (const day of this.days.keys()) first = Math.min(first ?? day * HOURS_PER_DAY, day * HOURS_PER_DAY);
    return first;
  }

  get endMs(): number | null {
    return this.feed?.windowsEndMs ?? null;
  }

  /** The first hour kept by the hour (`HISTORY_DAYS` before the newest event's day): hours before it are answered by the day. */
  get hourlyFrom(): number {
    const endMs = this.endMs;
    if (endMs === null) return Number.NEGATIVE_INFINITY;
    const endDay = Math.floor(endMs / HOUR_MS / HOURS_PER_DAY);
    return (endDay - this.options.hourlyDays) * HOURS_PER_DAY;
  }

  info(): HistoryResponse {
    const first = this.firstHour;
    const hourlyFirst = first === null ? null : Math.max(first, this.hourlyFrom);
    return {
      from: first === null ? null : first * HOUR_MS,
      hourlyFrom: hourlyFirst === null ? null : hourlyFirst * HOUR_MS,
      to: this.endMs,
      hourlyDays: this.options.hourlyDays,
      dailyDays: this.options.dailyDays,
      storage: this.shelf.kind,
      loading: this.importing,
    };
  }

  /**
   * The buckets of `fromHour` to `toHour` (exclusive). `preferDays`: whole days read as days where a day's
   * bucket is up to date (a 30-day window, a daily timeline); otherwise hours, wherever they are kept.
   * `pick`: the regions the answer reads; a bucket not in memory whole is then read only there, and with
   * `busiest`, a big region only its busiest rows (`HourSummary.partial`: a top reads no more).
   */
  span(fromHour: number, toHour: number, pick?: RegionPick, { preferDays = false, busiest = false, tag }: SpanOptions = {}): HistorySpan {
    const parts = this.spanParts(fromHour, toHour, preferDays);
    const read: PartRead = tag !== undefined ? { tag } : busiest ? 'tops' : 'regions';
    const summaries = parts.names.flatMap((name) => (pick === undefined ? this.bucket(name) : this.regionsOf(name, pick, read)));
    summaries.push(...parts.open);
    return { summaries, fromHour: parts.fromHour, toHour: parts.toHour, resolution: parts.resolution };
  }

  /** What `span` reads: the names of the buckets on the shelf, and the open hours' buckets, with the span they cover. */
  private spanParts(
    fromHour: number,
    toHour: number,
    preferDays: boolean,
  ): Omit<HistorySpan, 'summaries'> & { names: string[]; open: HourSummary[] } {
    const boundary = this.hourlyFrom;
    const names: string[] = [];
    let resolution: HistorySpan['resolution'] = '1h';
    let from = fromHour;
    let to = toHour;
    if (from < boundary) {
      resolution = '1d';
      // Never past the moment asked: a new end in daily history is rounded back to its day.
      const toDay = to <= boundary ? Math.floor(to / HOURS_PER_DAY) : boundary / HOURS_PER_DAY;
      const fromDay = Math.min(Math.floor(from / HOURS_PER_DAY), toDay - 1);
      from = fromDay * HOURS_PER_DAY;
      if (to <= boundary) to = toDay * HOURS_PER_DAY;
      for (let day = fromDay; day < toDay; day += 1) names.push(...this.dayNames(day));
    }
    let hour = Math.max(from, boundary);
    while (hour < to) {
      const day = Math.floor(hour / HOURS_PER_DAY);
      if (preferDays && hour === day * HOURS_PER_DAY && hour + HOURS_PER_DAY <= to && this.dayIsCurrent(day)) {
        names.push(...this.dayNames(day));
        hour += HOURS_PER_DAY;
        continue;
      }
      for (const part of this.hours.get(hour) ?? []) names.push(part.name);
      hour += 1;
    }
    // The open hours only when the span reaches them: made again after every post counted, they would cost
    // every `at=` in the past, under ingest, a summary of the hour being counted (`npm run bench -- history`:
    // hundreds of ms half an hour into an hour at 1/100 of 6,000 posts/s).
    const open: HourSummary[] = [];
    const oldestOpen = this.feed?.openHours.oldestHour ?? null;
    if (oldestOpen !== null && oldestOpen < to)
      for (const summary of this.openSummaries())
        if (summary.startHour >= Math.max(from, boundary) && summary.startHour < to && !this.takenInstead(summary.startHour)) open.push(summary);
    return { names, open, fromHour: from, toHour: to, resolution };
  }

  /**
   * Posts per step in `regions`, a tag's (`id`) and all, as `timeline` (history-query.ts) counts them, but
   * reading of each bucket on the shelf only its region index and, by binary search, the tag's row: a
   * month of hours is a few thousand small reads, not a month of whole files. Buckets already in the cache
   * are read from there.
   */
  timelineCounts(
    regions: readonly string[],
    id: number | null,
    fromHour: number,
    toHour: number,
    stepHours: number,
    preferDays: boolean,
  ): { counts: Float64Array; posts: Float64Array } {
    const parts = this.spanParts(fromHour, toHour, preferDays);
    const steps = Math.max(0, Math.ceil((toHour - fromHour) / stepHours));
    const counts = new Float64Array(steps);
    const posts = new Float64Array(steps);
    const add = (startHour: number, all: number, count: number) => {
      const step = Math.floor((startHour - fromHour) / stepHours);
      if (step < 0 || step >= steps || startHour >= toHour) return;
      posts[step] += all;
      counts[step] += count;
    };
    const fromSummary = (summary: HourSummary) => {
      for (const name of regions) {
        const r = summary.regionIndex(name);
        if (r >= 0) add(summary.startHour, summary.posts[r], id === null ? summary.posts[r] : summary.countOf(r, id));
      }
    };
    for (const name of parts.names) {
      const cached = this.cache.get<HourSummary>(name);
      if (cached !== undefined) {
        fromSummary(cached);
        continue;
      }
      try {
        this.shelf.readParts(name, (read, size) => {
          const index = this.indexOf(name, read, size);
          for (const region of regions) {
            const r = index.regions.get(region);
            if (r === undefined) continue;
            const all = index.posts[r];
            add(index.startHour, all, id === null ? all : index.countOf(read, r, id));
          }
        });
      } catch (error) {
        this.unreadableNow(name, error);
      }
    }
    for (const summary of parts.open) fromSummary(summary);
    return { counts, posts };
  }

  /** A day's buckets: its day bucket and the parts numbered after it, or its hours' parts when it has none. */
  private dayNames(day: number): string[] {
    const made = this.days.get(day);
    const out: string[] = made === undefined ? [] : [made.name];
    for (let hour = day * HOURS_PER_DAY; hour < (day + 1) * HOURS_PER_DAY; hour += 1) {
      for (const part of this.hours.get(hour) ?? []) if (made === undefined || part.seq > made.seq) out.push(part.name);
    }
    return out;
  }

  /** Whether a day's bucket holds every part of its hours. */
  private dayIsCurrent(day: number): boolean {
    const made = this.days.get(day);
    return made !== undefined && this.newestSeqOf(day) <= made.seq;
  }

  private newestSeqOf(day: number): number {
    let seq = -1;
    for (let hour = day * HOURS_PER_DAY; hour < (day + 1) * HOURS_PER_DAY; hour += 1)
      for (const part of this.hours.get(hour) ?? []) seq = Math.max(seq, part.seq);
    return seq;
  }

  /**
   * Makes the bucket of each day that is over (every hour of it closed) whose hours have parts it lacks, then
   * lets hours go past `hourlyDays` (their day made first) and days past `dailyDays`.
   */
  private rollUp(): void {
    const endMs = this.endMs;
    if (endMs === null) return;
    const closedBefore = Math.floor((endMs - LATE_MINUTES * 60_000) / HOUR_MS);
    const oldestOpen = this.feed?.openHours.oldestHour ?? null;
    const days = new Set<number>();
    for (const hour of this.hours.keys()) days.add(Math.floor(hour / HOURS_PER_DAY));
    const boundary = this.hourlyFrom;
    const keepDaysFrom = this.options.dailyDays > 0 ? Math.floor(endMs / HOUR_MS / HOURS_PER_DAY) - this.options.dailyDays : Number.NEGATIVE_INFINITY;
    for (const day of [...days].sort((a, b) => a - b)) {
      const end = (day + 1) * HOURS_PER_DAY;
      const over = end <= closedBefore && (oldestOpen === null || oldestOpen >= end);
      // No day is made past the days kept (HISTORY_DAILY_DAYS shorter than HISTORY_DAYS): it would be let go at once.
      if ((over || end <= boundary) && day >= keepDaysFrom && !this.dayIsCurrent(day)) this.makeDay(day);
      if (end <= boundary) {
        for (let hour = day * HOURS_PER_DAY; hour < end; hour += 1) {
          if (!this.hours.has(hour)) continue;
          for (const part of this.hours.get(hour) ?? []) this.remove(part.name);
          this.hours.delete(hour);
          this.share?.(`hours/${hourName(hour)}`, null);
        }
      }
    }
    if (this.options.dailyDays > 0) {
      for (const [day, part] of this.days) {
        if (day >= keepDaysFrom) continue;
        this.remove(part.name);
        this.days.delete(day);
        this.share?.(`days/${dayName(day)}`, null);
      }
    }
  }

  /**
   * Writes a day's bucket. While the day's hours are kept, from all their parts. Once they were let go, a late
   * part (numbered after the bucket) is added to the old bucket: then no part the bucket was made from is left.
   */
  private makeDay(day: number): void {
    const old = this.days.get(day);
    const parts = this.partsSince(day, -1);
    const remake = old === undefined || parts.some((part) => part.seq <= old.seq);
    const summaries = remake ? [] : this.bucket(old.name);
    let seq = old?.seq ?? -1;
    for (const part of parts) {
      summaries.push(...this.bucket(part.name));
      seq = Math.max(seq, part.seq);
    }
    const name = `days/${dayName(day)}.${seq}.tmh`;
    this.shelf.write(name, encodeSummary(mergeSummaries(day * HOURS_PER_DAY, 24, summaries)));
    this.writes += 1;
    this.keepDay(day, { name, seq });
    this.shareBucket(`days/${dayName(day)}`, () => this.bucket(name)[0]);
  }

  /** Shares an hour: all its parts as one bucket. */
  private shareHour(hour: number): void {
    this.shareBucket(`hours/${hourName(hour)}`, () =>
      mergeSummaries(
        hour,
        1,
        (this.hours.get(hour) ?? []).flatMap((part) => this.bucket(part.name)),
      ),
    );
  }

  /** Shares a bucket under `key`; its bytes made only when someone listens. */
  private shareBucket(key: string, summary: () => HourSummary | undefined): void {
    if (this.share === null) return;
    const made = summary();
    if (made === undefined) return;
    this.share(
      key,
      encodeShared(
        made,
        (id) => this.dictionary.key(id),
        (id) => this.dictionary.display(id),
      ),
    );
  }

  /** The parts of a day's hours numbered after `seq`. */
  private partsSince(day: number, seq: number): Part[] {
    const parts: Part[] = [];
    for (let hour = day * HOURS_PER_DAY; hour < (day + 1) * HOURS_PER_DAY; hour += 1)
      for (const part of this.hours.get(hour) ?? []) if (part.seq > seq) parts.push(part);
    return parts;
  }

  /** Keeps a day's bucket, the newer of two (a crash between writing one and deleting the other: the newer holds the older). */
  private keepDay(day: number, part: Part): void {
    const known = this.days.get(day);
    if (known !== undefined && known.seq > part.seq) {
      this.remove(part.name);
      return;
    }
    if (known !== undefined && known.name !== part.name) this.remove(known.name);
    this.days.set(day, part);
  }

  private partsOf(hour: number): Part[] {
    let parts = this.hours.get(hour);
    if (parts === undefined) this.hours.set(hour, (parts = []));
    return parts;
  }

  private remove(name: string): void {
    this.shelf.remove(name);
    this.writes += 1;
    this.cache.forget(name);
  }

  /** A bucket's index, from the cache or read (and kept) through `read`. */
  private indexOf(name: string, read: ReadBytes, size: number): BucketIndex {
    let index = this.cache.get<BucketIndex>(name, 'index');
    if (index === undefined) this.cache.set(name, 'index', (index = bucketIndex(read, size)));
    return index;
  }

  /**
   * The regions `pick` holds of a bucket: the whole bucket when it is in memory, else only their rows read
   * from the shelf (or only a big region's busiest rows, or one tag's: `read`), and kept; none when it cannot
   * be read, which is logged once.
   */
  private regionsOf(name: string, pick: RegionPick, read: PartRead): HourSummary[] {
    const whole = this.cache.get<HourSummary>(name);
    if (whole !== undefined) return [whole];
    // The regions' rows in memory do for a top too (every count there, none to look up).
    const rows = this.cache.get<HourSummary>(name, `regions:${pick.key}`);
    if (rows !== undefined) return [rows];
    const part = `${typeof read === 'string' ? read : `tag ${read.tag}`}:${pick.key}`;
    const cached = read === 'regions' ? undefined : this.cache.get<HourSummary>(name, part);
    if (cached !== undefined) return [cached];
    let summary: HourSummary;
    try {
      summary = this.shelf.readParts(name, (bytes, size) => {
        const index = this.indexOf(name, bytes, size);
        const has = (region: string) => pick.has(region);
        if (read === 'regions') return readRegions(bytes, index, has);
        const rest = this.restOf(name);
        return read === 'tops' ? readTops(bytes, index, has, rest) : readTag(bytes, index, has, read.tag, rest);
      });
      this.checkIds(summary);
    } catch (error) {
      this.unreadableNow(name, error);
      return [];
    }
    // What a partial one's lookups remember is counted with it; the index they read is the cache's own entry.
    this.cache.set(name, part, summary, summary.bytes + (summary.partial ? MAX_REMEMBERED * REMEMBERED_BYTES : 0));
    return [summary];
  }

  /**
   * A partial bucket's counts past a big region's busiest rows (`r`: the region's index in the bucket): a
   * binary search on the file, opened again when asked, and remembered (a top asks the same few tags again)
   * while the summary is kept. A file that cannot be read then fails the answer, saying which: a count left
   * out would be a wrong answer given as exact.
   */
  private restOf(name: string): (r: number, id: number) => number {
    const known = new Map<number, number>();
    return (r, id) => {
      const key = r * 0x1_0000_0000 + id;
      let count = known.get(key);
      if (count === undefined) {
        try {
          count = this.shelf.readParts(name, (read, size) => this.indexOf(name, read, size).countOf(read, r, id));
        } catch (error) {
          throw new Error(`history bucket ${name} cannot be read (${(error as Error).message})`);
        }
        if (known.size >= MAX_REMEMBERED) known.clear();
        known.set(key, count);
      }
      return count;
    };
  }

  /** Its ids must be tags the tags file holds (a tags file cut short, or damaged, would name them wrong). */
  private checkIds(summary: HourSummary): void {
    let most = -1;
    for (const id of summary.ids) if (id > most) most = id;
    if (most >= this.dictionary.size) throw new Error(`it holds tag ${most}, and the tags file only ${this.dictionary.size}`);
  }

  /** Logs, once per bucket, that it cannot be read. */
  private unreadableNow(name: string, error: unknown): void {
    if (!this.unreadable.has(name)) this.log.warn(`history bucket ${name} cannot be read (${(error as Error).message}); it is left out of answers`);
    this.unreadable.add(name);
  }

  /** A bucket read from the shelf (or the cache); none when it cannot be read, which is logged once. */
  private bucket(name: string): HourSummary[] {
    const cached = this.cache.get<HourSummary>(name);
    if (cached !== undefined) return [cached];
    let summary: HourSummary;
    try {
      summary = decodeSummary(this.shelf.read(name));
      this.checkIds(summary);
    } catch (error) {
      this.unreadableNow(name, error);
      return [];
    }
    this.cache.set(name, '', summary);
    return [summary];
  }

  /** While importing: whether an hour or day taken from the others covers `hour`, and stands for the open hour there. */
  private takenInstead(hour: number): boolean {
    return this.importing && (this.hours.has(hour) || this.days.has(Math.floor(hour / HOURS_PER_DAY)));
  }

  /** The engine's open hours as buckets (their tags numbered here), each made again only when a post landed in its hour. */
  private openSummaries(): HourSummary[] {
    const feed = this.feed;
    if (feed === null) return [];
    if (feed.openHours.version === this.openVersion) return this.openList;
    const kept = new Map<number, { stamp: number; summary: HourSummary }>();
    feed.openHours.forEachOpen((hour, regions, displays, stamp) => {
      const known = this.openCache.get(hour);
      kept.set(hour, known?.stamp === stamp ? known : { stamp, summary: this.summaryOfKeys(hour, regions, displays) });
    });
    this.openCache = kept;
    this.openVersion = feed.openHours.version;
    this.openList = [...kept.values()].map(({ summary }) => summary);
    return this.openList;
  }

  /**
   * An hour's counts by tag key as a bucket of ids (new tags numbered, with the live counts' most frequent
   * spelling when they still hold the tag, else the hour's first).
   */
  private summaryOfKeys(hour: number, regions: ReadonlyMap<string, KeyTally>, displays: ReadonlyMap<string, string>): HourSummary {
    const tallies = new Map<string, RegionTally>();
    const displayOf = (key: string) => this.feed?.displayOf(key) ?? displays.get(key) ?? key;
    for (const [region, tally] of regions) {
      const tags = new Map<number, number>();
      for (const [key, count] of tally.tags) tags.set(this.dictionary.intern(key, displayOf(key)), count);
      tallies.set(region, { posts: tally.posts, tags });
    }
    return summaryOf(hour, 1, tallies);
  }
}
