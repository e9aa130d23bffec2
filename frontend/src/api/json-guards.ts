/**
 * Type guards for JSON from the network. The server is trusted, but a proxy error page, a half-deployed
 * server or a truncated event must show up as "unavailable", never as a crash in a handler.
 */

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** A finite number ≥ 0. */
export function isCount(value: unknown): value is number {
  return isFiniteNumber(value) && value >= 0;
}

/** `JSON.parse` of an SSE `data` string; undefined for anything that is not valid JSON text. */
export function parseJson(data: unknown): unknown {
  if (typeof data !== 'string') return undefined;
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}

/** A number clamped into [min, max]; `fallback` when it is not a finite number. */
export function clampNumber(value: unknown, min: number, max: number, fallback: number): number {
  return isFiniteNumber(value) ? Math.min(max, Math.max(min, value)) : fallback;
}
