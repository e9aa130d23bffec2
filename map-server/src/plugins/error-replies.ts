/**
 * Every answer the server gives is ours: an error, the framework's and the HTTP parser's included, is
 * `{ "error": "..." }` with the security headers, and names no framework internals.
 *
 * - An `ApiError` (a bad parameter, the rate limit, a full stream) says what went wrong in its message.
 *   Any other error below 500 is answered with its status's plain name ("unsupported media type"); a 500 says
 *   "internal error" and is logged.
 * - A path that is not valid percent-encoding (`/%`, `/assets/%ff`) fails before routing, so before any
 *   hook: Fastify hands it to `frameworkErrors`, which adds the headers itself.
 * - A request the HTTP parser refuses (headers over Node's 16 KB: 431; not HTTP at all: 400; headers or
 *   body too slow: 408) never becomes a request: `clientErrorHandler` writes the answer on the socket.
 * - Request bodies: no route takes one (the API is read-only), so none is parsed or read. A request that
 *   carries one gets its answer (404: no route for that method) and the connection is closed rather than
 *   drained, so a client cannot make the server read an endless body.
 */
import { STATUS_CODES, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { ApiError } from '../routes/api-error';

/** The status's name in lower case, e.g. "payload too large" for 413. */
function statusName(status: number): string {
  return (STATUS_CODES[status] ?? 'error').toLowerCase();
}

function publicError(error: FastifyError | ApiError): { status: number; message: string } {
  if (error instanceof ApiError) return { status: error.statusCode, message: error.message };
  const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
  return { status, message: status >= 500 ? 'internal error' : statusName(status) };
}

function hasBody(request: IncomingMessage): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** The error handler, the not-found handler and the no-body rule, on the root instance. */
export function installErrorReplies(app: FastifyInstance, notFoundPreHandler?: preHandlerHookHandler): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const { status, message } = publicError(error);
    if (status >= 500) request.log.error(error);
    return reply.code(status).send({ error: message });
  });
  app.setNotFoundHandler({ preHandler: notFoundPreHandler }, (request, reply) =>
    reply.code(404).send({ error: `no route for ${request.method} ${request.url.split('?')[0]}` }),
  );
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
  app.addHook('onRequest', async (request, reply) => {
    if (hasBody(request.raw)) reply.header('connection', 'close');
  });
}

/** Fastify's `frameworkErrors`: a path that is not valid percent-encoding, before routing and hooks. */
export function frameworkErrors(security: OutgoingHttpHeaders) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    const { status, message } = publicError(error);
    if (status >= 500) request.log.error(error);
    const text = error.code === 'FST_ERR_BAD_URL' ? 'malformed URL: the path is not valid percent-encoding' : message;
    void reply.headers(security).code(status).send({ error: text });
  };
}

/** What the HTTP parser's errors are answered with, by Node's error code; anything else is a 400. */
const CLIENT_ERRORS: Record<string, { status: number; message: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, message: 'request headers too large' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, message: 'the request took too long to arrive' },
};
const MALFORMED = { status: 400, message: 'malformed HTTP request' };

/**
 * Fastify's `clientErrorHandler`: answers a request Node's HTTP parser refused, on the raw socket (there is
 * no request or reply), then closes it.
 */
export function clientErrorHandler(security: OutgoingHttpHeaders): (error: NodeJS.ErrnoException, socket: Socket) => void {
  return (error, socket) => {
    // A connection reset by the client, or already gone: no one to answer.
    if (error.code === 'ECONNRESET' || !socket.writable) return;
    const { status, message } = CLIENT_ERRORS[error.code ?? ''] ?? MALFORMED;
    const body = JSON.stringify({ error: message });
    const headers: OutgoingHttpHeaders = {
      ...security,
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      connection: 'close',
    };
    const head = Object.entries(headers).map(([name, value]) => `${name}: ${String(value)}`);
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${head.join('\r\n')}\r\n\r\n${body}`, () => socket.destroy());
  };
}
