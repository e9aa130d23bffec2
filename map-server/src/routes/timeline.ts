/**
 * `GET /api/timeline` (an area's posts per step) and `GET /api/tags/:tag/timeline` (one tag's there), from
 * history: `?region=world|CC` or `bbox=`, `from=`, `to=`, `step=1h|1d`.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  ErrorResponseSchema,
  TagPathSchema,
  TimelineQuerySchema,
  TimelineResponseSchema,
  type TimelineQueryParams,
} from '../../../common/browser/api';
import { RangeRefused, type History, type HistoryRange } from '../history/history-service';
import { BadParameter, readArea, readTime, tagKeyOf } from './query-params';

/** The range a timeline or an export asks for; 400 with the reason when history cannot answer it. */
export function readRange(history: History, query: Pick<TimelineQueryParams, 'from' | 'to' | 'step'>): HistoryRange {
  try {
    return history.range(readTime('from', query.from), readTime('to', query.to), query.step, Date.now());
  } catch (error) {
    if (error instanceof RangeRefused) throw new BadParameter(error.message);
    throw error;
  }
}

export const timelineRoute: FastifyPluginAsyncTypebox<{ history: History }> = async (app, { history }) => {
  const response = { 200: TimelineResponseSchema, 400: ErrorResponseSchema };
  app.get('/api/timeline', { schema: { querystring: TimelineQuerySchema, response } }, async ({ query }) =>
    history.timeline(readArea(query), null, readRange(history, query)),
  );
  app.get('/api/tags/:tag/timeline', { schema: { params: TagPathSchema, querystring: TimelineQuerySchema, response } }, async ({ params, query }) =>
    history.timeline(readArea(query), tagKeyOf(params.tag), readRange(history, query)),
  );
};
