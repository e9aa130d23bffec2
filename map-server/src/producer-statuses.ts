/**
 * The latest status of each producer heard on the bus, for `/api/health` and `/metrics`. The producer of
 * this process (the embedded product), when there is one, is named by `ownProducer`: its skipped inputs,
 * dropped tags and source connection are shown beside the server's own, as they always were; every
 * producer, this one included, is listed in `producers` with the age of its status. Pure: time is an
 * argument.
 *
 * Memory: one status (a few hundred bytes) per producer, at most `MAX_PRODUCERS`; past that the one heard
 * from least recently is forgotten, so that a topic written by many short-lived producers cannot grow it.
 */
import type { ProducerHealth, ProducerStatus } from '../../common/browser/api';
import type { ApiErrorCounts, SkipCounts, TagDropCounts } from '../../common/browser/skip-reasons';

/** Producers remembered at most. */
export const MAX_PRODUCERS = 64;

export class ProducerStatuses {
  /** By producer id, in the order they were last heard from (a Map keeps insertion order). */
  private readonly latest = new Map<string, ProducerStatus>();

  /** `ownProducer`: the id of the producer running in this process, if any. */
  constructor(private readonly ownProducer: string | null = null) {}

  /** Keeps `status` unless a newer one of its producer is already here (a redelivery, or a rebuild's old one). */
  record(status: ProducerStatus): void {
    const known = this.latest.get(status.producer);
    if (known !== undefined && known.at > status.at) return;
    this.latest.delete(status.producer);
    this.latest.set(status.producer, status);
    if (this.latest.size > MAX_PRODUCERS) this.latest.delete(this.latest.keys().next().value!);
  }

  /** The latest status of this process's producer, if one was heard. */
  own(): ProducerStatus | undefined {
    return this.ownProducer === null ? undefined : this.latest.get(this.ownProducer);
  }

  /** Skips counted by this process's producer (none without one). */
  ownSkips(): SkipCounts {
    return this.own()?.skipped ?? {};
  }

  /** Whether a producer runs in this process (the embedded product). */
  get hasOwn(): boolean {
    return this.ownProducer !== null;
  }

  /** Tags this process's producer dropped ({} until it is heard); undefined without one: the health leaves them out. */
  ownDroppedTags(): TagDropCounts | undefined {
    return this.hasOwn ? (this.own()?.droppedTags ?? {}) : undefined;
  }

  /** API errors this process's producer counted ({} until it is heard); undefined without one. */
  ownApiErrors(): ApiErrorCounts | undefined {
    return this.hasOwn ? (this.own()?.apiErrors ?? {}) : undefined;
  }

  /** Every producer's latest status with its age at `nowMs`, the most recent first. */
  list(nowMs: number): ProducerHealth[] {
    return [...this.latest.values()].sort((a, b) => b.at - a.at).map((status) => ({ ...status, ageMs: Math.max(0, Math.round(nowMs - status.at)) }));
  }
}
