/** The Server-Sent Events wire format (https://html.spec.whatwg.org/multipage/server-sent-events.html). */

/** One named event. `data` must be a single line (JSON is). */
export function sseEvent(name: string, data: string): string {
  return `event: ${name}\ndata: ${data}\n\n`;
}

/** A comment line: ignored by clients, keeps proxies from timing the connection out. */
export function sseComment(text: string): string {
  return `: ${text}\n\n`;
}

/** Tells the client how long to wait before reconnecting, in ms. */
export function sseRetry(ms: number): string {
  return `retry: ${ms}\n\n`;
}

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  // Tells nginx-style proxies not to buffer the stream.
  'x-accel-buffering': 'no',
} as const;
