/**
 * The seam between producer and map-server. The in-process bus (`memory-bus.ts`) and the Kafka adapters
 * implement these interfaces; neither side knows which one it talks to.
 *
 * The producer publishes checked events (`checkedEvent`: validated once, where they are made, and frozen).
 * In one process they reach the map-server as the same objects, with no encoding; only a bus that crosses a
 * process boundary serialises them, and hands the map-server the bytes (`WireMessage`), which it decodes and
 * validates again (it trusts nothing that came from another process). The producer's status travels beside
 * the events the same way: an object in one process, JSON on Kafka.
 */
import type { ProducerStatus } from '../../browser/api';
import type { CheckedEvent } from '../event';

/** A checked event as the producer publishes it, and as the in-process bus delivers it. */
export interface EventMessage {
  /** Partitioning key: the country code, or null. */
  key: string | null;
  /** Validated and frozen: neither side may change it (the other one holds it too). */
  event: CheckedEvent;
  /** Publish time, ms since the epoch (event time is the event's `ts`). */
  timestamp: number;
}

/** A message as it arrived from another process: bytes still to be decoded and checked (`decodeEvent`). */
export interface WireMessage {
  key: string | null;
  value: Buffer;
  timestamp: number;
}

/** What a subscriber delivers: objects from this process, bytes from another. */
export type DeliveredMessage = EventMessage | WireMessage;

export interface EventPublisher {
  /** Publishes a batch; resolves once the bus has accepted it. */
  publish(messages: EventMessage[]): Promise<void>;
  /**
   * Publishes the producer's status. Never holds the producer up and never fails it: a status the bus
   * cannot take now is dropped (the next one replaces it). Resolves once sent or dropped.
   */
  publishStatus(status: ProducerStatus): Promise<void>;
  /** How often a status is worth publishing on this bus, in ms: an object costs less than a message. */
  readonly statusEveryMs: number;
  /** Flushes what is pending and releases the connection. */
  close(): Promise<void>;
}

export interface BusHandlers {
  /** A batch of events, delivered synchronously inside the in-process `publish` (its backpressure). */
  events(messages: DeliveredMessage[]): void;
  /** A producer's status: checked, and frozen in one process. */
  status(status: ProducerStatus): void;
}

/** Per partition of the events topic (as a string key), the next offset to read (kafkajs offset string). */
export type BusPositions = Record<string, string>;

export interface EventSubscriber {
  /**
   * Starts delivering to `handlers`. The in-process bus is live when this resolves; the Kafka subscriber
   * resolves at once and connects in the background, waiting out a broker that is not there yet (its
   * `health()` says so meanwhile). `resume`: positions a save recorded: read each partition from there
   * instead of (now - rebuild window), see the subscriber (and `start-offsets.ts` for the rules). The
   * in-process bus ignores it: it has no log to resume from.
   */
  start(handlers: BusHandlers, resume?: BusPositions | null): Promise<void>;
  /**
   * Where reading stands, consistent with every batch handed to `handlers.events` so far (call it between
   * batches: it is synchronous). Absent for the in-process bus (nothing to resume from: it has no log).
   * Null until the subscriber knows its starting offsets, unless it was started with `resume`: then that,
   * until it knows (nothing was handed on meanwhile, so the state loaded with it still stands at it).
   */
  positions?(): BusPositions | null;
  /** The connection's state, for `/api/health`; absent for the in-process bus, which cannot fail. */
  health?(): SubscriberHealth;
  close(): Promise<void>;
}

export interface SubscriberHealth {
  connection: 'connected' | 'disconnected';
  /**
   * True until the log since (now - 24 h), or since the save's offsets, has been read back in after a start:
   * up to the end offsets seen at start.
   */
  rebuilding: boolean;
  /** Messages not yet read, per partition. */
  lag: Record<string, number>;
  lastError: string | null;
  /** The bootstrap brokers it connects to, as configured (KAFKA_BROKERS). */
  brokers: string[];
}

/** Tells an event handed over in this process from bytes that came from another. */
export function isEventMessage(message: DeliveredMessage): message is EventMessage {
  return 'event' in message;
}
