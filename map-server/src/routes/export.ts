/**
 * `GET /api/export`: an area's tag counts per step, for analysis tools, as CSV (`time,region,tag,count`,
 * time in ISO 8601 UTC, the step's start) or Parquet (the same columns, export/parquet-export.ts), streamed
 * one step at a time so a year of hours never sits in memory. `?region=` or `bbox=`, `from=`, `to=`,
 * `step=1h|1d`, `tag=` (one tag), `format=csv|parquet`.
 */
import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ExportQuerySchema, VIEW } from '../../../common/browser/api';
import type { History } from '../history/history-service';
import { readArea, readTag } from './query-params';
import { readRange } from './timeline';
import { parquetChunks, type ExportRow } from '../export/parquet-export';

/** A CSV field: quoted when it holds a comma, a quote or a line break (RFC 4180). */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The CSV of the steps' rows in `region`: its header, then a chunk of lines a step. */
export function* csvLines(steps: Iterable<ExportRow[]>, region: string): Generator<string> {
  const field = csvField(region);
  yield 'time,region,tag,count\n';
  for (const rows of steps) {
    if (rows.length === 0) continue;
    const time = new Date(rows[0][0]).toISOString();
    yield rows.map(([, key, count]) => `${time},${field},${csvField(key)},${count}\n`).join('');
  }
}

export const exportRoute: FastifyPluginAsyncTypebox<{ history: History }> = async (app, { history }) => {
  app.get('/api/export', { schema: { querystring: ExportQuerySchema } }, async ({ query }, reply) => {
    const area = readArea(query);
    const tag = readTag(query.tag);
    const range = readRange(history, query);
    const region = area.region === VIEW ? `view:${area.bbox?.join(' ')}` : area.region;
    const steps = history.exportRows(area, tag, range);
    const name = `trendmap-${area.region}-${new Date(range.fromHour * 3_600_000).toISOString().slice(0, 13)}-${range.step}.${query.format}`;
    reply.header('content-disposition', `attachment; filename="${name.replace(/[^\w.-]/g, '_')}"`);
    if (query.format === 'parquet') return reply.type('application/vnd.apache.parquet').send(Readable.from(parquetChunks(steps, region)));
    return reply.type('text/csv; charset=utf-8').send(Readable.from(csvLines(steps, region)));
  });
};
