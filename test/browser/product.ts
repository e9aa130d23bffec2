/**
 * The product under test, as `npm start` runs it (the built frontend served by the embedded producer and
 * map-server) on a random port: over the replayed browser archive, or over the synthetic world; or the
 * map-server fed post by post by the test. And a local stand-in tile server, so the tile layer (and the CSP
 * that must allow its host) is exercised offline.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { configFor, ensureBuild } from '../helpers';
import { startEmbedded } from '../../app/embedded';
import { startMapServer } from '../../map-server/src/map-server';
import { MemoryBus } from '../../common/node/bus/memory-bus';
import { checkedEvent } from '../../common/node/event';
import { normaliseLine, resultsOf } from '../../producer/src/normalise/normalise';
import { createCountryLookup } from '../../producer/src/normalise/country-lookup';
import { writePostsArchive } from './posts-archive';

export interface Product {
  url: string;
  close(): Promise<void>;
}

/** The replayed archive of `posts-archive.ts`, fully counted before this returns. */
export async function startReplayProduct(env: Record<string, string> = {}): Promise<Product & { posts: number }> {
  ensureBuild();
  const archive = writePostsArchive();
  const embedded = await startEmbedded(configFor(['--source', 'replay', '--file', archive.file, '--speed', 'max'], env));
  const stats = await embedded.producer.done;
  if (!stats.finished) throw new Error('the replay did not finish');
  const health = (await (await fetch(`${embedded.server.url}/api/health`)).json()) as { ingested: number };
  if (health.ingested !== archive.posts) throw new Error(`the server counted ${health.ingested} of ${archive.posts} posts`);
  return {
    url: embedded.server.url,
    posts: archive.posts,
    async close() {
      await embedded.close();
      rmSync(dirname(archive.file), { recursive: true, force: true });
    },
  };
}

/** The synthetic world at `rate` posts/s: live markers for as long as it runs. */
export async function startSyntheticProduct(rate: number, env: Record<string, string> = {}): Promise<Product> {
  ensureBuild();
  const embedded = await startEmbedded(configFor(['--source', 'synthetic', '--rate', String(rate), '--seed', '7'], env));
  return { url: embedded.server.url, close: () => embedded.close() };
}

/**
 * The map-server with the built frontend on the in-process bus, fed by the test instead of a source: each
 * `post` (a raw X API post, one JSON line) goes through the producer's normaliser onto the bus, when the
 * test says, so a page can be watching when it arrives.
 */
export async function startFedProduct(): Promise<Product & { post(line: string): Promise<void> }> {
  ensureBuild();
  const bus = new MemoryBus();
  const server = await startMapServer({ config: configFor([]), subscriber: bus.subscriber });
  const lookup = createCountryLookup();
  return {
    url: server.url,
    async post(line) {
      const [result, ...more] = resultsOf(normaliseLine(line, lookup));
      if (more.length > 0) throw new Error(`the test's line holds ${more.length + 1} posts, not one`);
      if (!result.ok) throw new Error(`the test's post was skipped: ${result.reason}`);
      await bus.publisher.publish([{ key: result.event.cc, event: checkedEvent(result.event), timestamp: Date.now() }]);
    },
    async close() {
      await bus.subscriber.close();
      await server.close();
    },
  };
}

// A 1x1 PNG: Leaflet stretches it over the 256 px tile.
const TILE_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

export interface TileServer {
  /** A Leaflet URL template for it. */
  template: string;
  /** Tiles served so far. */
  served(): number;
  close(): Promise<void>;
}

/** Serves the same tile for every `/{z}/{x}/{y}.png` inside the world, and 404 outside it. */
export async function startTileServer(): Promise<TileServer> {
  let served = 0;
  const server: Server = createServer((request, response) => {
    // Like a real tile server: tiles exist only inside the world, 0 <= x, y < 2^z.
    const [z, x, y] = (/^\/(\d+)\/(\d+)\/(\d+)\.png$/.exec(request.url ?? '') ?? []).slice(1).map(Number);
    if (z !== undefined && x < 2 ** z && y < 2 ** z) {
      served += 1;
      response.writeHead(200, { 'content-type': 'image/png', 'cache-control': 'no-store' });
      response.end(TILE_PNG);
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    template: `http://127.0.0.1:${port}/{z}/{x}/{y}.png`,
    served: () => served,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
