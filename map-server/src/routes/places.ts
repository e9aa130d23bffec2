/**
 * `GET /api/places?prefix=&limit=`: cities by the start of their name, for a search box. A search made while
 * the index is still being built (the first seconds after start-up, or the first search of a server that does
 * not warm it) waits for it and then answers; a build that failed is answered with 503.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorResponseSchema, PlacesQuerySchema, PlacesResponseSchema } from '../../../common/browser/api';
import type { PlaceIndex } from '../core/place-index';
import { GAZETTEER_FAILED } from '../gazetteer';
import { ApiError } from './api-error';

export const placesRoute: FastifyPluginAsyncTypebox<{ places: () => Promise<PlaceIndex> }> = async (app, { places }) => {
  app.get(
    '/api/places',
    {
      schema: {
        querystring: PlacesQuerySchema,
        response: { 200: PlacesResponseSchema, 400: ErrorResponseSchema, 503: ErrorResponseSchema },
      },
    },
    async ({ query, log }) => {
      let index: PlaceIndex;
      try {
        index = await places();
      } catch (error) {
        log.error({ err: error }, GAZETTEER_FAILED);
        throw new ApiError(503, 'city search is unavailable: the server could not build its list of cities');
      }
      return { places: index.search(query.prefix, query.limit) };
    },
  );
};
