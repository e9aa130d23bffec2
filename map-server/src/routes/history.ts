/** `GET /api/history`: the time history can answer for (a time slider's range), and where it is kept. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HistoryResponseSchema } from '../../../common/browser/api';
import type { History } from '../history/history-service';

export const historyRoute: FastifyPluginAsyncTypebox<{ history: History }> = async (app, { history }) => {
  app.get('/api/history', { schema: { response: { 200: HistoryResponseSchema } } }, async () => history.info());
};
