/**
 * The Content-Security-Policy source that admits a tile layer's images, from its Leaflet URL template:
 * `https://tile.openstreetmap.org/{z}/{x}/{y}.png` -> `https://tile.openstreetmap.org`, and
 * `https://{s}.tile.openstreetmap.org/...` -> `https://*.tile.openstreetmap.org` (a CSP wildcard may only
 * stand for leading labels, so any label holding a placeholder, and those before it, become `*`).
 * Checked once by the configuration, so a template no policy can express stops the start with a message.
 */

/** Thrown for a template whose host no CSP source can express. */
export class TileSourceError extends Error {}

/**
 * The source for `tileUrl`'s host, or null when the tiles need no source of their own (no tile layer, or
 * tiles served by the app itself under a relative path, which 'self' covers).
 */
export function tileImageSource(tileUrl: string): string | null {
  if (tileUrl === '') return null;
  if (tileUrl.startsWith('/') && !tileUrl.startsWith('//')) return null;
  const match = /^(https?:)?\/\/([^/?#]+)/i.exec(tileUrl);
  if (match === null) {
    throw new TileSourceError('must be an http(s) URL template such as https://{s}.tile.example.org/{z}/{x}/{y}.png, or a path on this server');
  }
  const scheme = (match[1] ?? '').toLowerCase();
  const authority = match[2];
  if (authority.includes('@')) throw new TileSourceError('must not carry a user name or password');
  const portAt = /:[0-9]+$/.exec(authority);
  const host = portAt === null ? authority : authority.slice(0, portAt.index);
  const port = portAt === null ? '' : portAt[0];
  if (/[{}]/.test(port)) throw new TileSourceError('must not have a placeholder in its port');
  const labels = host.toLowerCase().split('.');
  const lastTemplated = labels.findLastIndex((label) => /[{}]/.test(label));
  if (lastTemplated === labels.length - 1) {
    throw new TileSourceError(`must name its host's domain outright (a placeholder may only stand for leading labels); got host "${host}"`);
  }
  const source = lastTemplated === -1 ? host : ['*', ...labels.slice(lastTemplated + 1)].join('.');
  if (!/^(\*\.)?[a-z0-9.-]+$|^\[[0-9a-f:.]+\]$/.test(source)) throw new TileSourceError(`has a host CSP cannot name: "${host}"`);
  return `${scheme === '' ? '' : `${scheme}//`}${source}${port}`;
}
