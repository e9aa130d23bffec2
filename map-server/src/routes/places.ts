/** `GET /api/places?prefix=&limit=`: cities by the start of their name, for a search box. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorResponseSchema, PlacesQuerySchema, PlacesResponseSchema } from '../../../common/browser/api';
import type { PlaceIndex } from '../core/place-index';

export const placesRoute: FastifyPluginAsyncTypebox<{ places: () => PlaceIndex }> = async (app, { places }) => {
  app.get(
    '/api/places',
    { schema: { querystring: PlacesQuerySchema, response: { 200: PlacesResponseSchema, 400: ErrorResponseSchema } } },
    async ({ query }) => ({ places: places().search(query.prefix, query.limit) }),
  );
};
