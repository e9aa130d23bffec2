/**
 * A generated archive whose answers are known without running trendmap, for the fault tests: every post has
 * its own id, a point in one of five capitals and hashtags picked by its index, so the count of each tag in
 * each region is worked out here by plain counting. A run through any path (a producer killed and started
 * again, a broker outage) can then be checked exactly against numbers no product code computed.
 */
import { expect } from 'vitest';
import { writeFileSync } from 'node:fs';
import { trends } from './services';

/** Capitals well inside their borders, as [country, lat, lon]. */
const PLACES = [
  ['FR', 48.8566, 2.3522],
  ['JP', 35.6762, 139.6503],
  ['US', 39.7392, -104.9903],
  ['DE', 52.52, 13.405],
  ['BR', -15.7939, -47.8828],
] as const;
/** Post i carries TAGS[i % 7], and also EXTRA_TAG when i % 3 === 0. Seven and five are coprime: every
 * tag shows up in every country. */
const TAGS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf'];
const EXTRA_TAG = 'thirds';
const FIRST_ID = 1_900_000_000_000_000_000n;
/** Event time of the first post: in the past, so the windows follow the posts' own clock, not the wall's. */
export const ARCHIVE_T0 = Date.UTC(2026, 0, 1, 12);

export interface CountedArchive {
  file: string;
  posts: number;
  /** Per region ('world' and each country): tag -> number of posts carrying it. */
  expected: Map<string, Map<string, number>>;
}

function tagsOf(i: number): string[] {
  return i % 3 === 0 ? [TAGS[i % TAGS.length], EXTRA_TAG] : [TAGS[i % TAGS.length]];
}

/** One post as the X API v2 sends it: hashtags in `entities`, the point in `geo`. */
function envelope(i: number, createdMs: number): string {
  const [, lat, lon] = PLACES[i % PLACES.length];
  const tags = tagsOf(i);
  let text = `fault test post ${i}`;
  const hashtags = tags.map((tag) => {
    const start = text.length + 1;
    text += ` #${tag}`;
    return { start, end: start + 1 + tag.length, tag };
  });
  return JSON.stringify({
    data: {
      id: String(FIRST_ID + BigInt(i)),
      text,
      created_at: new Date(createdMs).toISOString(),
      entities: { hashtags },
      geo: { coordinates: { type: 'Point', coordinates: [lon, lat] } },
    },
  });
}

/** Writes `posts` posts to `file`, `perSecond` of them per second of event time, and counts what they hold. */
export function writeCountedArchive(file: string, posts: number, perSecond: number): CountedArchive {
  const lines: string[] = new Array(posts);
  const expected = new Map<string, Map<string, number>>([['world', new Map()]]);
  for (const [cc] of PLACES) expected.set(cc, new Map());
  for (let i = 0; i < posts; i += 1) {
    lines[i] = envelope(i, ARCHIVE_T0 + Math.floor((i * 1_000) / perSecond));
    for (const region of ['world', PLACES[i % PLACES.length][0]]) {
      const counts = expected.get(region)!;
      for (const tag of tagsOf(i)) counts.set(tag, (counts.get(tag) ?? 0) + 1);
    }
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
  return { file, posts, expected };
}

/** The posts of `region` in the archive: the tag counts of a post's first tag add up to them. */
function postsIn(archive: CountedArchive, region: string): number {
  const counts = archive.expected.get(region)!;
  return TAGS.reduce((sum, tag) => sum + (counts.get(tag) ?? 0), 0);
}

/**
 * Checks that the server at `baseUrl` counts exactly what the archive holds, per region and tag, over each
 * of `windows` (the archive spans less than the smallest, so every window holds all of it).
 */
export async function expectArchiveCounts(baseUrl: string, archive: CountedArchive, windows = ['15m', '1h', '24h']): Promise<void> {
  for (const window of windows) {
    for (const [region, counts] of archive.expected) {
      const body = await trends(baseUrl, `region=${region}&window=${window}&limit=50`);
      const got = new Map(body.trends.map((t) => [t.tag, t.count]));
      expect(got, `${region} ${window}`).toEqual(counts);
      expect(body.total, `${region} ${window}: posts`).toBe(postsIn(archive, region));
    }
  }
}
