/**
 * Sends the pipeline's accepted posts to the bus while the pipeline goes on reading and normalising: one send
 * on its way at a time (their order is the posts' order), and the posts accepted meanwhile held and sent
 * together as the next one as soon as it returns, as Kafka's own producer fills a batch while the last is in
 * flight. Before, the pipeline waited for each 256-line batch's acknowledgement before it normalised the
 * next, and sat idle a fifth of the time it was the bottleneck (issue 14).
 *
 * At most `maxHeld` posts wait beside the send on its way; past that `add` waits for it, so a slow bus slows
 * the source and memory stays bounded. Posts count as published once the bus has taken them (acknowledged,
 * for Kafka). A send that fails fails the next `add` or `drain`, and nothing is sent after it.
 */
import type { EventMessage, EventPublisher } from '../../common/node/bus/bus';

/** Posts held beside the send on its way before `add` waits: a few source batches (256 lines each). */
export const MAX_HELD = 2_048;

export class BatchSender {
  private held: EventMessage[] = [];
  /** The send on its way and the ones chained after it; settles (never rejects) when the bus is idle or failed. */
  private sending: Promise<void> | null = null;
  private failure: { error: unknown } | null = null;

  constructor(
    private readonly publisher: EventPublisher,
    /** Called with how many posts the bus took, as each send returns. */
    private readonly onPublished: (posts: number) => void,
    private readonly maxHeld = MAX_HELD,
  ) {}

  /** Takes accepted posts: sent at once when nothing is on its way, else held for the next send. */
  async add(messages: readonly EventMessage[]): Promise<void> {
    this.throwFailure();
    for (const message of messages) this.held.push(message);
    if (this.sending === null) this.sendHeld();
    else if (this.held.length >= this.maxHeld) await this.sending;
    this.throwFailure();
  }

  /** Sends what is held and waits until every post added is taken by the bus; throws what a send threw. */
  async drain(): Promise<void> {
    this.throwFailure();
    if (this.sending === null) this.sendHeld();
    while (this.sending !== null) await this.sending;
    this.throwFailure();
  }

  private sendHeld(): void {
    const batch = this.held;
    this.held = [];
    if (batch.length === 0) {
      this.sending = null;
      return;
    }
    // Through a promise even if `publish` threw at once: the chain then records the failure like any other.
    this.sending = Promise.resolve()
      .then(() => this.publisher.publish(batch))
      .then(
        () => {
          this.onPublished(batch.length);
          this.sendHeld();
        },
        (error: unknown) => {
          this.failure = { error };
          this.sending = null;
        },
      );
  }

  private throwFailure(): void {
    if (this.failure !== null) throw this.failure.error;
  }
}
