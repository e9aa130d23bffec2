/**
 * The replay sample (test/fixtures/replay-sample.jsonl) against its hand count
 * (replay-sample.expected.json): skips per reason, accepted posts, duplicates, tag tallies per region.
 */
import { describe, expect, it } from 'vitest';
import { fixtureLines, fixtureText, lookup, normaliseOne, tally } from './normalise-test-inputs';

describe('replay sample (test/fixtures/replay-sample.jsonl)', () => {
  const expected = JSON.parse(fixtureText('replay-sample.expected.json')) as { accepted: number; skipped: Record<string, number> } & Record<
    string,
    unknown
  >;
  const lines = fixtureLines('replay-sample.jsonl');
  const results = lines.map((line) => normaliseOne(line, lookup));

  it('has the hand-counted skips, per reason (duplicates are the server’s to find)', () => {
    const { ok: _accepted, ...counts } = tally(results);
    const { duplicate, ...normaliserSkips } = expected.skipped;
    expect(counts).toEqual(normaliserSkips);
    expect(duplicate).toBe(2);
  });

  it('has the hand-counted accepted posts and duplicates', () => {
    const events = results.flatMap((r) => (r.ok ? [r.event] : []));
    const ids = new Set(events.map((e) => e.id));
    expect(ids.size).toBe(expected.accepted);
    expect(events.length - ids.size).toBe(expected.skipped.duplicate);
    expect(lines).toHaveLength(40);
    for (const e of events) expect(new Date(e.ts).toISOString()).toMatch(/^2014-06-12T19:[0-2]\d:/);
  });

  it('has the hand-counted tag tallies in every region', () => {
    const byId = new Map(results.flatMap((r) => (r.ok ? [[r.event.id, r.event] as const] : [])));
    type Row = { tag: string; display: string; count: number };
    const regions = new Map<string, Map<string, { count: number; spellings: Map<string, number> }>>();
    for (const event of byId.values()) {
      for (const region of ['world', event.cc ?? 'sea']) {
        const tags = regions.get(region) ?? new Map();
        regions.set(region, tags);
        event.tags.forEach((tag, i) => {
          const entry = tags.get(tag) ?? { count: 0, spellings: new Map<string, number>() };
          tags.set(tag, entry);
          entry.count++;
          entry.spellings.set(event.display[i], (entry.spellings.get(event.display[i]) ?? 0) + 1);
        });
      }
    }
    const rows = (region: string): Row[] =>
      [...(regions.get(region) ?? new Map()).entries()]
        .map(([tag, { count, spellings }]) => ({
          tag,
          display: [...spellings.entries()].sort((a, b) => b[1] - a[1])[0][0],
          count,
        }))
        .sort((a, b) => b.count - a.count || (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
    const regionKeys = Object.keys(expected).filter((k) => !['_note', 'accepted', 'skipped'].includes(k));
    expect(new Set(regionKeys)).toEqual(new Set(regions.keys()));
    for (const region of regionKeys) expect({ region, rows: rows(region) }).toEqual({ region, rows: expected[region] });
  });
});
