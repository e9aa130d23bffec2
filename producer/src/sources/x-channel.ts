/**
 * The hand-over between one stream connection's events and the source's async generator: posts queue
 * here until the pipeline takes them; `ready()` wakes the generator for posts or for the end.
 */
import type { RawInput } from './source';

/** Posts of one connection, waiting to be yielded, and whether (and why) the connection ended. */
export class Channel {
  items: RawInput[] = [];
  closed = false;
  reason: string | null = null;
  #wake: (() => void) | null = null;

  push(item: RawInput): void {
    this.items.push(item);
    this.#notify();
  }

  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.reason = reason;
    this.#notify();
  }

  /** Resolves when there is something to yield or the connection has ended. */
  ready(): Promise<void> {
    if (this.items.length > 0 || this.closed) return Promise.resolve();
    return new Promise((resolve) => (this.#wake = resolve));
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }
}
