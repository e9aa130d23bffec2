/**
 * What the normaliser's tests share: the country lookup, the fixture files in test/fixtures/, minimal valid
 * posts of both API versions to vary, and assertions on results. Imported by `normalise*.test.ts` only.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { checkEvent, type GeoEvent } from '../../../common/node/event';
import type { SkipReason } from '../../../common/browser/skip-reasons';
import { createCountryLookup } from './country-lookup';
import { normaliseLine, type NormaliseResult } from './normalise';
import type { CountryLookup } from './country-lookup';

export const lookup = createCountryLookup();

/** A file of test/fixtures/ as text. */
export function fixtureText(name: string): string {
  return readFileSync(new URL(`../../../test/fixtures/${name}`, import.meta.url), 'utf8');
}

/** A JSON-lines file of test/fixtures/, a string a line. */
export function fixtureLines(name: string): string[] {
  const lines = fixtureText(name).split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

export const v1Lines = fixtureLines('v1-statuses.jsonl');
export const v2Lines = fixtureLines('v2-envelopes.jsonl');

export function v1Line(id: string): string {
  const line = v1Lines.find((l) => l.includes(`"id_str":"${id}"`));
  if (!line) throw new Error(`no v1 line for ${id}`);
  return line;
}

export function v2Line(id: string): string {
  const line = v2Lines.find((l) => l.startsWith(`{"data":{"id":"${id}"`));
  if (!line) throw new Error(`no v2 line for ${id}`);
  return line;
}

/** Asserts a result is an event that passes the contract, and returns it. */
export function accepted(result: NormaliseResult): GeoEvent {
  if (!result.ok) throw new Error(`expected an event, got skip "${result.reason}"`);
  expect(checkEvent(result.event)).toEqual({ ok: true, event: result.event });
  return result.event;
}

/** Results counted by outcome: `ok`, or the skip reason. */
export function tally(results: NormaliseResult[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of results) {
    const key = r.ok ? 'ok' : r.reason;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** A minimal valid v1.1 status; tests change what they are about. */
export function status(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    created_at: 'Wed Oct 10 20:19:24 +0000 2018',
    id_str: '1050118620314268812',
    text: 'hello #tag',
    entities: { hashtags: [{ text: 'tag', indices: [6, 10] }] },
    coordinates: { type: 'Point', coordinates: [2.3522, 48.8566] },
    lang: 'fr',
    ...extra,
  };
}

/** A minimal valid v2 envelope. */
export function envelope(data: Record<string, unknown> = {}, rest: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    data: {
      id: '1635573202398409868',
      text: 'hello #tag',
      created_at: '2023-03-14T09:26:53.589Z',
      entities: { hashtags: [{ start: 6, end: 10, tag: 'tag' }] },
      geo: { coordinates: { type: 'Point', coordinates: [139.7671, 35.6812] } },
      ...data,
    },
    ...rest,
  };
}

export const skipped = (reason: SkipReason) => ({ ok: false, reason });

/** `normaliseLine` for a line that holds one input (not a page or a list): its result. */
export function normaliseOne(line: string, countries: CountryLookup): NormaliseResult {
  const result = normaliseLine(line, countries);
  if ('posts' in result) throw new Error(`expected one input, got a page or list of ${result.posts.length}`);
  return result;
}
