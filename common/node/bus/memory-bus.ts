/**
 * The embedded default: producer and map-server in one process, joined without a broker. Events and
 * statuses are handed over as the objects the producer made (checked and frozen there): nothing is encoded
 * or decoded. Delivery is synchronous inside `publish`, so a fast producer is held back by the consumer
 * exactly as a full Kafka buffer would hold it, and nothing is ever queued without bound.
 */
import type { ProducerStatus } from '../../browser/api';
import type { BusHandlers, EventPublisher, EventSubscriber } from './bus';

/**
 * How often the producer publishes its status here, in ms: a status is a snapshot of a few counters, so it
 * can be frequent enough for `/api/health` to read as live.
 */
export const MEMORY_STATUS_EVERY_MS = 200;

export class MemoryBus {
  private readonly handlers = new Set<BusHandlers>();
  private closed = false;

  readonly publisher: EventPublisher = {
    publish: async (messages) => {
      if (this.closed) throw new Error('the in-process bus is closed');
      for (const handler of this.handlers) handler.events(messages);
    },
    publishStatus: async (status) => {
      if (this.closed) return; // a status is never worth a failure
      const frozen = freezeStatus(status);
      for (const handler of this.handlers) handler.status(frozen);
    },
    statusEveryMs: MEMORY_STATUS_EVERY_MS,
    close: async () => {},
  };

  readonly subscriber: EventSubscriber = {
    start: async (handlers) => {
      this.handlers.add(handlers);
    },
    close: async () => {
      this.handlers.clear();
      this.closed = true;
    },
  };

  /** Messages published while nobody subscribes are dropped, as on a topic nobody reads from. */
  get subscribers(): number {
    return this.handlers.size;
  }
}

/** The map-server keeps the status it is handed: frozen, so that the producer's next one is a new object. */
function freezeStatus(status: ProducerStatus): ProducerStatus {
  Object.freeze(status.skipped);
  Object.freeze(status.droppedTags);
  if (status.apiErrors) Object.freeze(status.apiErrors);
  if (status.source) Object.freeze(status.source);
  return Object.freeze(status);
}
