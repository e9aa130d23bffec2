/**
 * trendmap's side of `npm run bench -- spark`, run by it as a process of its own (bundled like `npm start`,
 * so that the CPU time and memory measured are the server's, without a TypeScript loader): the embedded
 * server (`startEmbedded`, in-process bus) replaying `--speed max` from a named pipe that the bench writes
 * the archive into as fast as it is read, as it serves Spark's socket.
 *
 * Arguments: `<pipe> <result.json> <lines>`. Notes the wall-clock time (ms since the epoch) at which each
 * line's post was counted (by line number: line i's post id is FIRST_POST_ID + i), prints `counted` once
 * the replay has ended and every accepted post is counted, then waits for its stdin to close, asks its own
 * API for the world's top 10 over 24 h, writes the result (`TrendmapResult`) and exits.
 */
import { writeFileSync } from 'node:fs';
import { parseConfig } from '../../common/node/config';
import type { TrendsResponse } from '../../common/browser/api';
import { startEmbedded } from '../../app/embedded';
import { FIRST_POST_ID } from '../archive-lines';

export interface TrendmapResult {
  /** Lines the producer read, and posts it accepted. */
  read: number;
  accepted: number;
  /** Posts the engine counted. */
  counted: number;
  /** By line number: when its post was counted (ms since the epoch), -1 when it was not. */
  countedAtMs: number[];
  /** The world's top 10 over 24 h, as `/api/trends` answers. */
  top: [string, number][];
  /** True when the counts were summarised (see `TrendsResponse.approximate`): they could then fall short. */
  approximate: boolean;
}

const [pipe, resultPath, linesArg] = process.argv.slice(2);
const countedAtMs = new Float64Array(Number(linesArg)).fill(-1);

const parsed = parseConfig(['--source', 'replay', '--file', pipe, '--speed', 'max'], { PORT: '0', LOG_LEVEL: 'silent', TILE_URL: '' });
if (parsed.help) throw new Error('unexpected help');
// A pipe is no file that `--file` would take (it is neither a regular file nor a directory): given as the archive.
const archive = { files: [{ path: pipe, name: 'feed.jsonl', bytes: 0 }], totalBytes: 0 };
const embedded = await startEmbedded(parsed.config, { staticDir: null, archive });
embedded.server.engine.onAccepted((event) => {
  countedAtMs[Number(BigInt(event.id) - FIRST_POST_ID)] = Date.now();
});
const stats = await embedded.producer.done;
console.log('counted');

await new Promise((resolve) => process.stdin.on('end', resolve).resume());
const answer = (await (await fetch(`${embedded.server.url}/api/trends?region=world&window=24h&limit=10`)).json()) as TrendsResponse;
const result: TrendmapResult = {
  read: stats.read,
  accepted: stats.accepted,
  counted: embedded.server.engine.acceptedCount,
  countedAtMs: Array.from(countedAtMs),
  top: answer.trends.map((trend) => [trend.tag, trend.count]),
  approximate: answer.approximate,
};
writeFileSync(resultPath, JSON.stringify(result));
await embedded.close();
