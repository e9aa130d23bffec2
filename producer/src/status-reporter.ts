/**
 * Publishes the producer's status on the bus (`ProducerStatus`): once at the start, every
 * `publisher.statusEveryMs` while it runs, and a last time when it ends, before the pipeline's end is
 * reported, so that a map-server's `/api/health` accounts for every input once the source is done. This is
 * how the producer's counts reach the map-server, in one process as in two.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { PRODUCER_STATUS_VERSION, type ProducerStatus } from '../../common/browser/api';
import type { EventPublisher } from '../../common/node/bus/bus';
import type { ProducerStats } from './pipeline';
import type { Source } from './sources/source';

/** A producer's id: where it runs, and a suffix of its own so that two producers of one process differ. */
export function newProducerId(): string {
  return `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
}

export type ProducerState = ProducerStatus['state'];

export interface StatusReporterOptions {
  id: string;
  source: Source;
  stats: ProducerStats;
  publisher: EventPublisher;
  now?: () => number;
}

export class StatusReporter {
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly options: StatusReporterOptions) {}

  /** Publishes `running` now and then every `statusEveryMs`, until `finish`. */
  start(): void {
    void this.publish('running');
    this.timer = setInterval(() => void this.publish('running'), this.options.publisher.statusEveryMs);
    // The status never keeps a process alive by itself.
    this.timer.unref();
  }

  /** Stops the timer and publishes the final status; resolves once the bus took it or dropped it. */
  async finish(state: Exclude<ProducerState, 'running'>): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.publish(state);
  }

  /** A snapshot: a new object each time, never changed afterwards (the in-process bus hands it over as is). */
  snapshot(state: ProducerState): ProducerStatus {
    const { id, source, stats, now = Date.now } = this.options;
    const connection = source.state?.();
    return {
      v: PRODUCER_STATUS_VERSION,
      producer: id,
      at: now(),
      state,
      sourceName: source.name,
      ...(connection && { source: { name: source.name, ...connection } }),
      read: stats.read,
      accepted: stats.accepted,
      published: stats.published,
      skipped: stats.skipped.toJSON(),
      droppedTags: stats.droppedTags.toJSON(),
      apiErrors: stats.apiErrors.toJSON(),
    };
  }

  private async publish(state: ProducerState): Promise<void> {
    // A status is never worth failing the producer for (a publisher of our own never rejects; a test's may).
    await this.options.publisher.publishStatus(this.snapshot(state)).catch(() => undefined);
  }
}
