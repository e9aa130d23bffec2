/**
 * Replays an archive at a multiple of its original pace: the first post is published at once, and each
 * later one when as much wall time has passed as event time did since the first, divided by the factor.
 * Posts out of order (earlier than one already paced) go out at once. Pure: time comes in as arguments.
 */
export class Pacer {
  private anchor: { eventMs: number; wallMs: number } | null = null;

  constructor(private readonly factor: number) {
    if (!(factor > 0)) throw new RangeError(`pace factor must be positive, got ${factor}`);
  }

  /** How long to wait, in ms, before publishing a post created at `eventMs` when the clock reads `nowMs`. */
  delay(eventMs: number, nowMs: number): number {
    if (this.anchor === null) {
      this.anchor = { eventMs, wallMs: nowMs };
      return 0;
    }
    const due = this.anchor.wallMs + (eventMs - this.anchor.eventMs) / this.factor;
    return Math.max(0, due - nowMs);
  }
}
