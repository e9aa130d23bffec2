/**
 * Whether a request is for the API (`/api/...`), as the router reads its path: with percent-escapes decoded,
 * so that `/%61pi/trends`, which the router takes to `/api/trends`, is counted and timed as the API too
 * (the rate limit and the latency metric decide by it; a raw `request.url` let it past both).
 */
export function isApiPath(url: string): boolean {
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  if (path.startsWith('/api/')) return true;
  if (!path.includes('%')) return false;
  try {
    return decodeURIComponent(path).startsWith('/api/');
  } catch {
    // Not valid percent-encoding: refused before routing (error-replies.ts), so no route of ours.
    return false;
  }
}
