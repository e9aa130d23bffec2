/**
 * Generated archives for the replay benches (`replay`, `spark`): X API v2 envelopes from the synthetic world
 * (seed 11), written fast by reusing `POOL` post shapes, each line with its own id and time.
 *
 * Mixes: `sample` is mixed like a real sample stream: 30% posts with a place, 60% posts without (skipped
 * `no_location`), 10% delete notices. `placed`: every line a post with a place and 1-3 hashtags, so every
 * line is counted.
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { SyntheticWorld } from '../producer/src/sources/synthetic-world';

/** Event time of line 0, ms since the epoch. */
export const ARCHIVE_START_MS = Date.UTC(2023, 2, 1);
/** Line `i`'s post id is this plus `i`: a line's number can be read back from the id of its event. */
export const FIRST_POST_ID = 1_600_000_000_000_000_000n;
/** Distinct post shapes generated; lines reuse them with their own id and time (fast to make). */
const POOL = 20_000;

/** Line templates split at the id and at the timestamp: `a + id + b + time + c`. */
export type Template = [string, string, string];

export type ArchiveMix = 'sample' | 'placed';

export function templates(mix: ArchiveMix = 'sample'): Template[] {
  const world = new SyntheticWorld({ seed: 11 });
  const pool: Template[] = [];
  for (let i = 0; i < POOL; i += 1) {
    const share = mix === 'placed' ? 0 : i % 10;
    let text: string;
    if (share === 9) {
      text = JSON.stringify({ delete: { status: { id: '__ID__', user_id: 42 }, timestamp_ms: '__TS__' } });
    } else {
      const post = world.next(ARCHIVE_START_MS + i) as unknown as { data: Record<string, unknown>; includes?: unknown };
      post.data.id = '__ID__';
      post.data.created_at = '__TS__';
      if (share >= 3) {
        delete post.data.geo;
        delete post.includes;
      }
      text = JSON.stringify(post);
    }
    const [a, rest] = text.split('__ID__');
    const [b, c] = rest.split('__TS__');
    pool.push([a, b, c]);
  }
  return pool;
}

/** Line number `i` of `total` spread over `spanMs`, from `pool`: its own id and time (no newline). */
export function lineAt(pool: Template[], i: number, total: number, spanMs: number): string {
  const [a, b, c] = pool[i % pool.length];
  const ts = new Date(ARCHIVE_START_MS + Math.floor((i * spanMs) / total)).toISOString();
  return `${a}${FIRST_POST_ID + BigInt(i)}${b}${ts}${c}`;
}

/** Writes `count` lines from line number `first` of `total`, spread over `spanMs`, respecting backpressure. */
export async function writeLines(path: string, pool: Template[], first: number, count: number, total: number, spanMs: number): Promise<number> {
  mkdirSync(dirname(path), { recursive: true });
  const out = createWriteStream(path);
  let bytes = 0;
  for (let i = first; i < first + count; i += 1) {
    const line = `${lineAt(pool, i, total, spanMs)}\n`;
    bytes += line.length;
    if (!out.write(line)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return bytes;
}
