/**
 * A tiny typed event emitter for the components that are not Leaflet layers (the stream client, the URL
 * state, the panel and its parts). Leaflet layers use Leaflet's own `fire`/`on` instead, so map code
 * reads like any other Leaflet plugin.
 */

export type Listener<T> = (payload: T) => void;

export class Emitter<Events extends object> {
  // One set per event name, typed by that name's payload.
  private listeners: { [K in keyof Events]?: Set<Listener<Events[K]>> } = {};

  /** Adds a listener and returns a function that removes it (handy in `destroy`). */
  on<K extends keyof Events>(type: K, listener: Listener<Events[K]>): () => void {
    const set: Set<Listener<Events[K]>> = this.listeners[type] ?? new Set();
    this.listeners[type] = set;
    set.add(listener);
    return () => this.off(type, listener);
  }

  off<K extends keyof Events>(type: K, listener: Listener<Events[K]>): void {
    this.listeners[type]?.delete(listener);
  }

  /**
   * Calls every listener of `type`. A listener that throws is logged and skipped: events often come from a
   * network handler (SSE, fetch), and one broken consumer must not stop the others or the stream itself.
   */
  protected emit<K extends keyof Events>(type: K, payload: Events[K]): void {
    const set = this.listeners[type];
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(payload);
      } catch (error) {
        console.error(`trendmap: a "${String(type)}" listener failed`, error);
      }
    }
  }

  /** Drops every listener; components call it from `destroy` so nothing keeps them alive. */
  protected removeAllListeners(): void {
    this.listeners = {};
  }
}
