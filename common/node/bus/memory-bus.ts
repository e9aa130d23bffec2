/**
 * The embedded default: producer and map-server in one process, joined without a broker. Delivery is
 * synchronous inside `publish`, so a fast producer is held back by the consumer exactly as a full Kafka
 * buffer would hold it, and nothing is ever queued without bound.
 */
import type { BatchHandler, EventPublisher, EventSubscriber } from './bus';

export class MemoryBus {
  private readonly handlers = new Set<BatchHandler>();
  private closed = false;

  readonly publisher: EventPublisher = {
    publish: async (messages) => {
      if (this.closed) throw new Error('the in-process bus is closed');
      for (const handler of this.handlers) handler(messages);
    },
    close: async () => {},
  };

  readonly subscriber: EventSubscriber = {
    start: async (onBatch) => {
      this.handlers.add(onBatch);
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
