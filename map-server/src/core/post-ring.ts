/**
 * The newest accepted posts, with their text and place, that `/api/posts` answers from (the frontend's
 * "Recent posts" list is its own, unrelated class): a ring of at most `POST_RING_CAPACITY` posts and about
 * `POST_RING_BUDGET_BYTES` of their strings, the oldest dropped first. Typical posts weigh well under 1 KB,
 * so the count bounds the ring (a few MB); the byte budget only bites if posts arrive full of the largest
 * text and tags the event contract allows (~40 KB each), which would otherwise make 10,000 of them hundreds
 * of MB. The events are kept as they were accepted (no copy).
 *
 * Order is acceptance order, which for a live source is time order; that is also the order in which the
 * SSE `posts` event adds to the list.
 */
import { checkEvent, type GeoEvent } from '../../../common/node/event';
import { checkObject, damaged } from './snapshot-check';

/** Posts kept: enough for any filter to find a page of matches in a busy stream, small enough to ignore. */
export const POST_RING_CAPACITY = 10_000;
/** Most memory the kept posts' strings may take, in bytes (estimated: UTF-16, plus a fixed cost a post). */
export const POST_RING_BUDGET_BYTES = 16 * 1024 * 1024;
/** What a post costs besides its strings: the event object, its arrays, the numbers. */
const POST_OVERHEAD_BYTES = 200;

/** The posts kept, as plain data: oldest first. */
export interface PostRingSnapshot {
  events: GeoEvent[];
}

export class PostRing {
  private readonly ring: (GeoEvent | undefined)[];
  private readonly weights: Float64Array;
  /** The oldest post's index, and how many are kept. */
  private start = 0;
  private count = 0;
  private bytes = 0;

  constructor(
    readonly capacity = POST_RING_CAPACITY,
    private readonly budgetBytes = POST_RING_BUDGET_BYTES,
  ) {
    this.ring = new Array<GeoEvent | undefined>(capacity);
    this.weights = new Float64Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  add(event: GeoEvent): void {
    if (this.count === this.capacity) this.dropOldest();
    const weight = weightOf(event);
    while (this.count > 0 && this.bytes + weight > this.budgetBytes) this.dropOldest();
    const at = (this.start + this.count) % this.capacity;
    this.ring[at] = event;
    this.weights[at] = weight;
    this.bytes += weight;
    this.count += 1;
  }

  /** Up to `limit` posts that pass `matches`, the most recently accepted first. */
  newest(limit: number, matches: (event: GeoEvent) => boolean): GeoEvent[] {
    const found: GeoEvent[] = [];
    for (let i = this.count - 1; i >= 0 && found.length < limit; i -= 1) {
      const event = this.ring[(this.start + i) % this.capacity] as GeoEvent;
      if (matches(event)) found.push(event);
    }
    return found;
  }

  /** A copy of the posts kept (each event and its arrays copied), oldest first. */
  snapshot(): PostRingSnapshot {
    const events: GeoEvent[] = new Array<GeoEvent>(this.count);
    for (let i = 0; i < this.count; i += 1) {
      const event = this.ring[(this.start + i) % this.capacity] as GeoEvent;
      events[i] = { ...event, tags: [...event.tags], display: [...event.display] };
    }
    return { events };
  }

  /**
   * A ring of `capacity` and `budgetBytes` (this run's, which may differ from the saved ring's: a smaller
   * one keeps the newest) holding the posts `snapshot` copied. Each is checked against the event contract,
   * as the bus's are; `where` names the ring in the RangeError a malformed snapshot gets.
   */
  static restore(snapshot: PostRingSnapshot, capacity = POST_RING_CAPACITY, budgetBytes = POST_RING_BUDGET_BYTES, where = 'posts'): PostRing {
    const events = checkObject(snapshot, where).events;
    if (!Array.isArray(events)) damaged(`${where}.events`, 'expected an array of events');
    const ring = new PostRing(capacity, budgetBytes);
    events.forEach((value: unknown, i) => {
      const checked = checkEvent(value);
      if (!checked.ok) damaged(`${where}.events[${i}]`, checked.error);
      ring.add(checked.event);
    });
    return ring;
  }

  private dropOldest(): void {
    this.bytes -= this.weights[this.start];
    this.ring[this.start] = undefined;
    this.start = (this.start + 1) % this.capacity;
    this.count -= 1;
  }
}

/** A post's estimated memory: its strings in UTF-16, plus the fixed cost. */
function weightOf(event: GeoEvent): number {
  let chars = (event.text?.length ?? 0) + (event.place?.length ?? 0) + event.id.length;
  for (let i = 0; i < event.tags.length; i += 1) chars += event.tags[i].length + event.display[i].length;
  return POST_OVERHEAD_BYTES + 2 * chars;
}
