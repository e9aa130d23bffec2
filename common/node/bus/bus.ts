/**
 * The seam between producer and map-server. The in-process bus (`memory-bus.ts`) and the Kafka adapter
 * implement these two interfaces; neither side knows which one it talks to.
 *
 * Messages are bytes, as on Kafka, so the map-server decodes and validates them the same way in both modes.
 */
export interface BusMessage {
  /** Partitioning key: the country code, or null. */
  key: string | null;
  /** An encoded event (`encodeEvent`). */
  value: Buffer;
  /** Publish time, ms since the epoch (event time travels inside `value`). */
  timestamp: number;
}

export interface EventPublisher {
  /** Publishes a batch; resolves once the bus has accepted it. */
  publish(messages: BusMessage[]): Promise<void>;
  /** Flushes what is pending and releases the connection. */
  close(): Promise<void>;
}

export type BatchHandler = (messages: BusMessage[]) => void;

export interface EventSubscriber {
  /**
   * Starts delivering batches to `onBatch`. The in-process bus is live when this resolves; the Kafka
   * subscriber resolves at once and connects in the background, waiting out a broker that is not there yet
   * (its `health()` says so meanwhile).
   */
  start(onBatch: BatchHandler): Promise<void>;
  /** The connection's state, for `/api/health`; absent for the in-process bus, which cannot fail. */
  health?(): SubscriberHealth;
  close(): Promise<void>;
}

export interface SubscriberHealth {
  connection: 'connected' | 'disconnected';
  /** True until the log since (now - 24 h) has been read back in after a start. */
  rebuilding: boolean;
  /** Messages not yet read, per partition. */
  lag: Record<string, number>;
  lastError: string | null;
  /** The bootstrap brokers it connects to, as configured (KAFKA_BROKERS). */
  brokers: string[];
}
