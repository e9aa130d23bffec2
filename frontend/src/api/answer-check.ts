/**
 * Checks what the server sends, REST answers and SSE events alike, against the contract's own schemas
 * (common/browser/api.ts), so the map and panel only ever see well-formed values and no handler can throw.
 * The server is trusted, but a proxy's error page, a half-deployed server or a truncated event must show
 * up as "unavailable", never as a crash.
 *
 * - An answer that breaks its schema (a field missing or of the wrong type, a count below 0, coordinates off
 *   the globe, a text over its length) is refused as a whole: null.
 * - Rows first: a list of objects (trends, regions, posts, markers) is checked row by row, and a bad row is
 *   left out, so one odd row does not blank a list.
 *
 * TypeBox's `Check` walks the schema: no code is generated. `Compile` would first try `new Function`, which
 * the page's Content-Security-Policy (`script-src 'self'`) forbids and Chromium reports as a violation, even
 * when the attempt is caught. The schemas are read by their JSON Schema keywords only: the build bundles
 * them as plain JSON (frontend/vite.config.ts).
 */
import type { Static, TSchema } from 'typebox';
import { Check } from 'typebox/schema';

/** `value` as `schema` describes it, its bad rows left out; null when it does not fit. */
export function checkAnswer<T extends TSchema>(schema: T, value: unknown): Static<T> | null {
  const candidate = withoutBadRows(schema, value);
  return Check(schema, candidate) ? candidate : null;
}

/** `checkAnswer` of an SSE event's `data`, JSON text; null for anything that is not JSON either. */
export function checkEvent<T extends TSchema>(schema: T, data: unknown): Static<T> | null {
  return checkAnswer(schema, parseJson(data));
}

/** `JSON.parse` of an event's `data`; undefined (which no schema takes) for anything that is not JSON text. */
function parseJson(data: unknown): unknown {
  if (typeof data !== 'string') return undefined;
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return undefined;
  }
}

/** An object schema, by its JSON Schema keywords. */
function isObjectSchema(schema: unknown): schema is { properties: Record<string, TSchema> } {
  return typeof schema === 'object' && schema !== null && 'type' in schema && schema.type === 'object' && 'properties' in schema;
}

/** A list schema whose items are objects: rows, checked one by one. */
function isRowList(schema: unknown): schema is TSchema & { items: TSchema } {
  return (
    typeof schema === 'object' && schema !== null && 'type' in schema && schema.type === 'array' && 'items' in schema && isObjectSchema(schema.items)
  );
}

/**
 * A copy of `value` with the rows of its lists that break their row schema left out: of `value` itself when
 * `schema` is a list of rows, else of each of its properties that is one. Anything else is left as it is,
 * for the whole check to judge.
 */
function withoutBadRows(schema: TSchema, value: unknown): unknown {
  const keepGood = (rows: TSchema & { items: TSchema }, list: unknown) => (Array.isArray(list) ? list.filter((row) => Check(rows.items, row)) : list);
  if (isRowList(schema)) return keepGood(schema, value);
  if (!isObjectSchema(schema) || typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const copy: Record<string, unknown> = { ...value };
  for (const [key, property] of Object.entries(schema.properties)) {
    if (isRowList(property)) copy[key] = keepGood(property, copy[key]);
  }
  return copy;
}
