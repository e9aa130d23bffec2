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
 *   body too slow: 408) never becomes a request: `clientErrorHandler` writes the answer on the socket,
 *   unless an answer is already under way there (a live stream): that connection is cut instead, since
 *   another status line in its middle would be read as part of it.
 * - What Node answers by itself unless told otherwise: an HTTP/1.1 request with no `Host` (a bare 400:
 *   `SERVER_OPTIONS` turns Node's check off and the onRequest hook answers instead), an `Expect` other than
 *   100-continue (a bare 417) and `CONNECT` (the connection dropped without a word), both answered by
 *   `installServerReplies`.
 * - Request bodies: no route takes one (the API is read-only), so none is parsed or read. A request that
 *   carries one gets its answer (404: no route for that method) and the connection is closed rather than
 *   drained, so a client cannot make the server read an endless body.
 */
import { STATUS_CODES, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
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
export function installErrorReplies(app: FastifyInstance, notFoundPreHandler?: preHandlerAsyncHookHandler): void {
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
    // RFC 9112 3.2: a server must refuse an HTTP/1.1 request without Host. Node's own check, which answers
    // with a bare 400, is off (`SERVER_OPTIONS`).
    if (request.raw.httpVersion === '1.1' && request.headers.host === undefined) throw new ApiError(400, NO_HOST);
  });
}

const NO_HOST = 'malformed HTTP request: an HTTP/1.1 request needs a Host header';

/** The Node server options that leave answers to us: Node's own Host check answers with a bare 400. */
export const SERVER_OPTIONS = { requireHostHeader: false } as const;

/**
 * Answers what Node would otherwise answer itself, without our body and headers: an `Expect` other than
 * 100-continue (417), and `CONNECT` (no route takes it: 404, as for any other method no route takes).
 */
export function installServerReplies(server: Server, security: OutgoingHttpHeaders): void {
  server.on('checkExpectation', (_request: IncomingMessage, response: ServerResponse) => {
    const body = JSON.stringify({ error: 'the Expect header can only be 100-continue' });
    response.writeHead(417, { ...security, ...jsonHeaders(body), connection: 'close' }).end(body);
  });
  server.on('connect', (request: IncomingMessage, socket: Socket) => {
    writeAndClose(socket, 404, `no route for CONNECT ${request.url ?? ''}`, security);
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
    // A connection reset by the client or already gone has no one to answer; one whose answer is under way
    // (a stream, or a pipelined request's answer) cannot take another in its middle. As Node's own handler
    // does, both are cut.
    if (error.code === 'ECONNRESET' || !socket.writable || answerUnderWay(socket)) {
      socket.destroy();
      return;
    }
    const { status, message } = CLIENT_ERRORS[error.code ?? ''] ?? MALFORMED;
    writeAndClose(socket, status, message, security);
  };
}

/**
 * Whether a response on `socket` has sent its headers and not finished. Node keeps the socket's current
 * response as `_httpMessage` (its own clientError handler reads it the same way) and clears it once done.
 */
function answerUnderWay(socket: Socket): boolean {
  return (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage?.headersSent === true;
}

function jsonHeaders(body: string): OutgoingHttpHeaders {
  return { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) };
}

/** Writes `{ "error": message }` with `status` and the security headers on a raw socket, then closes it. */
function writeAndClose(socket: Socket, status: number, message: string, security: OutgoingHttpHeaders): void {
  const body = JSON.stringify({ error: message });
  const headers: OutgoingHttpHeaders = { ...security, ...jsonHeaders(body), connection: 'close' };
  const head = Object.entries(headers).map(([name, value]) => `${name}: ${String(value)}`);
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${head.join('\r\n')}\r\n\r\n${body}`, () => socket.destroy());
}
