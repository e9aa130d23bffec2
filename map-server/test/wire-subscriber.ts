/**
 * A subscriber that delivers bytes, as the Kafka subscriber does with what another process wrote: for
 * tests of what the map-server does with messages it must decode and check, without a broker.
 */
import type { BusHandlers, EventSubscriber, WireMessage } from '../../common/node/bus/bus';

export class WireSubscriber implements EventSubscriber {
  private handlers: BusHandlers | null = null;

  async start(handlers: BusHandlers): Promise<void> {
    this.handlers = handlers;
  }

  /** Delivers `values` (text or bytes) as one batch, keyed `key`, synchronously. */
  deliver(values: (string | Buffer)[], key: string | null = 'FR'): void {
    if (this.handlers === null) throw new Error('deliver before start');
    const messages: WireMessage[] = values.map((value) => ({ key, value: Buffer.from(value), timestamp: Date.now() }));
    this.handlers.events(messages);
  }

  async close(): Promise<void> {
    this.handlers = null;
  }
}
