/** Test helpers: events that satisfy the contract, and an engine-backed app without a bus. */
import { EVENT_VERSION, type GeoEvent } from '../../common/src/event';

let nextId = 1_850_006_781_237_256_000n;

/** A valid event; `tags` are keys and double as display forms unless `display` is given. */
export function event(partial: Partial<GeoEvent> & { tags: string[] }): GeoEvent {
  nextId += 1n;
  return {
    v: EVENT_VERSION,
    id: String(nextId),
    ts: Date.UTC(2014, 6, 13, 19, 0),
    lat: 48.8566,
    lon: 2.3522,
    loc: 'point',
    cc: 'FR',
    display: partial.display ?? partial.tags,
    ...partial,
  };
}

/**
 * Polls `check` every 20 ms until it holds. The ceiling only bounds a broken build: a busy machine may take
 * many times what an idle one does, so no test relies on how soon something happens.
 */
export async function until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
