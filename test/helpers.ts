/** What the end-to-end suites share: fixture paths, a test configuration, and a JSON GET that must succeed. */
import { expect } from 'vitest';
import { fileURLToPath } from 'node:url';
import { parseConfig, type Config } from '../common/src/config';

export const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

export const root = fileURLToPath(new URL('..', import.meta.url));

/** The configuration `npm start -- <argv>` would run with, on a random port, quiet, with no tile layer. */
export function configFor(argv: string[], env: Record<string, string> = {}): Config {
  const parsed = parseConfig(argv, { PORT: '0', LOG_LEVEL: 'silent', TILE_URL: '', ...env });
  if (parsed.help) throw new Error('unexpected help');
  return parsed.config;
}

export async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}
