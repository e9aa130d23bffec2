/**
 * A history bucket as map-servers share it (over Kafka: kafka-history-share.ts): self-contained, with its own
 * tags, since each map-server numbers tags in its own dictionary. Keyed by what it covers, not by who wrote it
 * (`hours/2026-11-27T01`, `days/2026-11-27`): every map-server counts the same log, so two that write the
 * same key write the same counts, and the topic keeps one (compaction).
 *
 * Bytes: a u32 (little-endian) length, a JSON header `{ v: 1, tags: [[key, display], …] }` (its tag i is id i
 * below), then the bucket as `encodeSummary` writes it. Pure.
 */
import { HourSummary, summaryOf, type RegionTally } from '../core/history/hour-summary';
import { decodeSummary, encodeSummary, SummaryFormatError } from '../core/history/bucket-file';

export interface SharedBucket {
  /** `hours/<YYYY-MM-DDTHH>` or `days/<YYYY-MM-DD>`. */
  key: string;
  /** The bucket, its ids numbering `tags`. */
  summary: HourSummary;
  tags: { key: string; display: string }[];
}

/** A bucket with this map-server's ids (`keyOf`, `displayOf`) as shared bytes. */
export function encodeShared(summary: HourSummary, keyOf: (id: number) => string, displayOf: (id: number) => string): Uint8Array {
  const local = new Map<number, number>();
  const tags: [string, string][] = [];
  const tallies = new Map<string, RegionTally>();
  summary.regions.forEach((region, r) => {
    const tally: RegionTally = { posts: summary.posts[r], tags: new Map() };
    for (let row = summary.rowStart[r]; row < summary.rowStart[r + 1]; row += 1) {
      const id = summary.ids[row];
      let mine = local.get(id);
      if (mine === undefined) {
        mine = tags.length;
        local.set(id, mine);
        tags.push([keyOf(id), displayOf(id)]);
      }
      tally.tags.set(mine, summary.counts[row]);
    }
    tallies.set(region, tally);
  });
  const header = new TextEncoder().encode(JSON.stringify({ v: 1, tags }));
  const body = encodeSummary(summaryOf(summary.startHour, summary.hours, tallies));
  const out = new Uint8Array(4 + header.length + body.length);
  new DataView(out.buffer).setUint32(0, header.length, true);
  out.set(header, 4);
  out.set(body, 4 + header.length);
  return out;
}

/** Shared bytes back as a bucket and its tags; `SummaryFormatError` when they are not one. */
export function decodeShared(key: string, bytes: Uint8Array): SharedBucket {
  if (bytes.length < 4) throw new SummaryFormatError(`is ${bytes.length} bytes, shorter than a header`);
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  if (4 + length > bytes.length) throw new SummaryFormatError('ends inside its header');
  let header: { v?: unknown; tags?: unknown };
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + length))) as typeof header;
  } catch {
    throw new SummaryFormatError('has a header that is not JSON');
  }
  if (
    header.v !== 1 ||
    !Array.isArray(header.tags) ||
    !header.tags.every((t) => Array.isArray(t) && t.length === 2 && t.every((s) => typeof s === 'string'))
  ) {
    throw new SummaryFormatError('has a header without its version or tags');
  }
  const summary = decodeSummary(bytes.subarray(4 + length));
  const tags = (header.tags as [string, string][]).map(([tag, display]) => ({ key: tag, display }));
  for (const id of summary.ids) if (id >= tags.length) throw new SummaryFormatError(`holds tag ${id} of ${tags.length}`);
  return { key, summary, tags };
}
