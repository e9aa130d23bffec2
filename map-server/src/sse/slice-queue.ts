/**
 * Runs a loop over many items (a fan-out's sessions) a slice of time at a time. At 10,000 streams a fan-out is
 * 10,000 socket writes, each a system call of tens of µs: done in one go it holds the event loop for hundreds
 * of ms, and an `/api/trends` request or a new stream waits all that time. Here, once a slice has run
 * `sliceMs`, the rest waits for the next turn of the event loop (`setImmediate`), so that I/O that arrived
 * meanwhile is served first; what is left then costs one turn's wait, not a marker's worth of delay.
 *
 * Jobs run in the order they were queued, so that what one owner sends a session keeps its order. The first
 * slice runs at once, in the caller's turn, when nothing is queued before it; all the slices of one turn
 * share one `sliceMs`.
 */

/** The time one slice may run before the rest waits for the next turn, in ms. */
export const SLICE_MS = 10;

interface Job {
  items: readonly unknown[];
  each: (item: unknown) => void;
  done: ((busyMs: number) => void) | undefined;
  /** The next item to run. */
  next: number;
  /** Time spent running this job's items so far, in ms. */
  busyMs: number;
}

export class SliceQueue {
  private readonly jobs: Job[] = [];
  private scheduled: NodeJS.Immediate | null = null;
  private running = false;
  /**
   * When this turn of the event loop's first slice began, until the next turn: the slices of one turn share
   * one `sliceMs`, so that many small jobs queued in one go (a trends round's groups) do not each take a slice.
   */
  private turnStart: number | null = null;

  constructor(
    private readonly sliceMs: number = SLICE_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Items queued and not yet run, over every job: what a fan-out still owes. */
  get backlog(): number {
    return this.jobs.reduce((sum, job) => sum + job.items.length - job.next, 0);
  }

  /**
   * Queues `each` over `items`; `done` is told the time the job's slices took in all (its share of the event
   * loop, without the turns it waited), in ms.
   */
  run<T>(items: readonly T[], each: (item: T) => void, done?: (busyMs: number) => void): void {
    this.jobs.push({ items, each: each as (item: unknown) => void, done, next: 0, busyMs: 0 });
    // Queued behind a job (or from within one): its turn comes in order.
    if (this.scheduled === null && !this.running) this.slice();
  }

  /** Forgets every queued job, unfinished ones included. */
  clear(): void {
    this.jobs.length = 0;
    if (this.scheduled !== null) clearImmediate(this.scheduled);
    this.scheduled = null;
  }

  private slice(): void {
    this.scheduled = null;
    this.running = true;
    let at = this.now();
    if (this.turnStart === null) {
      this.turnStart = at;
      setImmediate(() => (this.turnStart = null)).unref();
    }
    const start = this.turnStart;
    try {
      while (this.jobs.length > 0 && at - start < this.sliceMs) {
        const job = this.jobs[0];
        const jobStart = at;
        try {
          while (job.next < job.items.length && at - start < this.sliceMs) {
            // Past the item before it runs: one that throws is not run again.
            job.each(job.items[job.next++]);
            at = this.now();
          }
        } finally {
          // Counted even when an item threw: the time was spent.
          at = this.now();
          job.busyMs += at - jobStart;
        }
        if (job.next === job.items.length) {
          this.jobs.shift();
          job.done?.(job.busyMs);
        }
      }
    } finally {
      this.running = false;
      if (this.jobs.length > 0 && this.scheduled === null) this.scheduled = setImmediate(() => this.slice());
    }
  }
}
