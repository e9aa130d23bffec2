/**
 * Security headers (`@fastify/helmet`) for every response, with a Content-Security-Policy that lets the
 * page load only its own scripts, styles and data, plus images from the configured tile host. Post text
 * is untrusted: even if some of it were ever inserted as markup, this policy runs no inline script, no
 * script from elsewhere, and sends nothing to another origin.
 *
 * Not set: `upgrade-insecure-requests` (the app is often served over plain http on a LAN address, where
 * it would turn every request of the page into an https one that fails) and HSTS (TLS, where there is
 * any, is a reverse proxy's business, and an HSTS pin from it would outlive this app).
 */
import type { OutgoingHttpHeaders } from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import helmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import { tileImageSource } from '../../../common/node/tile-source';

export function securityHeaders(tileUrl: string): FastifyHelmetOptions {
  const tiles = tileImageSource(tileUrl);
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        // Leaflet positions tiles and markers through the CSSOM (element.style), which CSP does not govern.
        styleSrc: ["'self'"],
        // data: for Leaflet's blank 1x1 GIF (`L.Util.emptyImageUrl`), which it puts in a tile's src to
        // abort a tile that is still loading when the map moves on. An image cannot run script.
        imgSrc: ["'self'", 'data:', ...(tiles === null ? [] : [tiles])],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    strictTransportSecurity: false,
    xFrameOptions: { action: 'deny' },
  };
}

/**
 * The headers `securityHeaders(tileUrl)` makes helmet send, for every response: set on each request by
 * `installSecurityHeaders` (the SSE stream's hijacked response keeps them: they are on the raw response
 * before the route takes it over), and written by hand on the responses outside Fastify's request hooks: a
 * URL that is not valid percent-encoding, a request the HTTP parser refuses (headers too large). The set is
 * the same for every response of an app (no nonces), so it is read once, from a throwaway app with the same
 * options: at its handler only helmet's onRequest hook has set headers on the raw response.
 */
export async function securityHeaderSet(tileUrl: string): Promise<OutgoingHttpHeaders> {
  const probe = Fastify();
  let headers: OutgoingHttpHeaders = {};
  await probe.register(helmet, securityHeaders(tileUrl));
  probe.get('/', async (_request, reply) => {
    headers = reply.raw.getHeaders();
    return '';
  });
  await probe.inject('/');
  await probe.close();
  return headers;
}

/**
 * Sends `headers` (`securityHeaderSet`'s) with every response of `app`, as `@fastify/helmet` would: set on the
 * raw response when the request comes in, so that a route may still replace one. The plugin itself builds
 * helmet's middleware again for every request (its options parsed, the policy written out): 2.3 % of the
 * server's CPU in a profile of `npm run bench -- streams` (issue 14). The set is the same for every request.
 */
export function installSecurityHeaders(app: FastifyInstance, headers: OutgoingHttpHeaders): void {
  const entries = Object.entries(headers).filter((entry): entry is [string, string | number | string[]] => entry[1] !== undefined);
  app.addHook('onRequest', (_request, reply, done) => {
    for (const [name, value] of entries) reply.raw.setHeader(name, value);
    done();
  });
}
