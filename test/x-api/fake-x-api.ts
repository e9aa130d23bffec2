/**
 * A local stand-in of the X API v2 filtered stream on node:http (random port), speaking its wire
 * protocol: bearer auth with problem+json errors, the rules endpoints (list, add, delete, dry_run, with
 * the API's validation and answer shapes incl. `meta.summary`) and the stream itself: `\r\n`-delimited
 * JSON over a chunked response, `\r\n` keep-alives, one connection per app (a second gets 429
 * TooManyConnections).
 *
 * Scriptable for tests: answer 429 on the first stream connect, drop the connection after N posts, and
 * on the next connection redeliver the last few posts before going on; write messages that are not posts
 * between them. The stand-in does not evaluate rules: every post goes out while at least one rule exists,
 * its `matching_rules` listing them all.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeEnvelope } from './fake-x-posts';
import { validateRule } from './fake-x-rules';

export interface FakeXApiOptions {
  /** The only bearer token accepted. */
  token: string;
  /** What the stream delivers, in order. */
  posts: FakeEnvelope[];
  /** Answer the first stream connect with 429 TooManyConnections. */
  tooManyConnectionsFirst?: boolean;
  /** Drop the first connection that delivers posts after this many posts. */
  dropAfter?: number;
  /** After a drop, resend this many of the posts sent before it. */
  redeliver?: number;
  /** Go silent (no posts, no keep-alives, socket left open) on the first connection after this many posts. */
  stallAfter?: number;
  /** Answer stream connects with 403 client-forbidden, as for an app without filtered-stream access. */
  forbiddenStream?: boolean;
  /** Keep-alive period, in ms (the API's is ~20 s). */
  keepAliveMs?: number;
  /** Pause between posts, in ms. */
  postIntervalMs?: number;
  /** Messages written as they are (not JSON, say), each before the post of its index in `posts`. */
  junk?: ReadonlyMap<number, string>;
}

export interface FakeRule {
  id: string;
  value: string;
  tag?: string;
}

export class FakeXApi {
  readonly rules: FakeRule[] = [];
  /** Every post written to a stream, redeliveries included, in order. */
  readonly sent: FakeEnvelope[] = [];
  /** HTTP status of every stream connect, in order. */
  readonly streamStatuses: number[] = [];
  /** Query string of the last stream connect. */
  lastStreamQuery: URLSearchParams | null = null;
  /** Every request's method and path, for checks. */
  readonly requests: string[] = [];
  #nextRuleId = 1_800_000_000_000_000_000n;
  #cursor = 0;
  #dropped = false;
  #stalled = false;
  #open: ServerResponse | null = null;
  #timers = new Set<NodeJS.Timeout>();

  private constructor(
    readonly options: FakeXApiOptions,
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(options: FakeXApiOptions): Promise<FakeXApi> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const fake = new FakeXApi(options, server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    server.on('request', (req, res) => fake.#handle(req, res));
    return fake;
  }

  /** A rule put there by someone else (or by an earlier run), as if through the API. */
  addRule(value: string, tag?: string): FakeRule {
    const rule = { id: String(this.#nextRuleId++), value, ...(tag === undefined ? {} : { tag }) };
    this.rules.push(rule);
    return rule;
  }

  async close(): Promise<void> {
    for (const timer of this.#timers) clearInterval(timer);
    this.#open?.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    this.requests.push(`${req.method} ${url.pathname}`);
    if (req.headers.authorization !== `Bearer ${this.options.token}`) {
      problem(res, 401, { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' });
      return;
    }
    if (url.pathname === '/2/tweets/search/stream/rules' && req.method === 'GET') return json(res, 200, this.#listRules());
    if (url.pathname === '/2/tweets/search/stream/rules' && req.method === 'POST') {
      // A request that breaks off while its body is read gets no answer: no one is left to read it.
      readBody(req).then(
        (body) => this.#changeRules(res, body, url.searchParams.get('dry_run') === 'true'),
        () => res.destroy(),
      );
      return;
    }
    if (url.pathname === '/2/tweets/search/stream' && req.method === 'GET') return this.#stream(res, url.searchParams);
    problem(res, 404, {
      title: 'Not Found Error',
      type: 'https://api.twitter.com/2/problems/resource-not-found',
      detail: `no route ${url.pathname}`,
    });
  }

  #listRules() {
    const meta = { sent: new Date().toISOString(), result_count: this.rules.length };
    return this.rules.length === 0 ? { meta } : { data: this.rules, meta };
  }

  #changeRules(res: ServerResponse, raw: string, dryRun: boolean): void {
    let body: { add?: { value?: unknown; tag?: unknown }[]; delete?: { ids?: unknown[] } };
    try {
      body = JSON.parse(raw);
    } catch {
      return problem(res, 400, {
        title: 'Invalid Request',
        detail: 'One or more parameters to your request was invalid.',
        type: 'https://api.twitter.com/2/problems/invalid-request',
        errors: [{ message: 'Request body is not valid JSON' }],
      });
    }
    const sent = new Date().toISOString();
    if (Array.isArray(body.add)) {
      const errors = body.add.map((rule) => validateRule(rule, this.rules)).filter((e) => e !== null);
      const valid = body.add.length - errors.length;
      // Like the API: one invalid rule and none of the request's rules are created.
      const create = errors.length === 0 && !dryRun;
      const created = create ? body.add.map((rule) => this.addRule(String(rule.value), typeof rule.tag === 'string' ? rule.tag : undefined)) : [];
      const summary = { created: create || (dryRun && errors.length === 0) ? body.add.length : 0, not_created: 0, valid, invalid: errors.length };
      summary.not_created = body.add.length - summary.created;
      return json(res, 200, { ...(created.length > 0 ? { data: created } : {}), meta: { sent, summary }, ...(errors.length > 0 ? { errors } : {}) });
    }
    if (body.delete && Array.isArray(body.delete.ids)) {
      const errors = [];
      let deleted = 0;
      for (const id of body.delete.ids) {
        const at = this.rules.findIndex((rule) => rule.id === id);
        if (at < 0)
          errors.push({
            value: String(id),
            detail: 'Rule does not exist',
            title: 'Not Found Error',
            type: 'https://api.twitter.com/2/problems/resource-not-found',
          });
        else {
          if (!dryRun) this.rules.splice(at, 1);
          deleted += 1;
        }
      }
      const summary = { deleted, not_deleted: body.delete.ids.length - deleted };
      return json(res, 200, { meta: { sent, summary }, ...(errors.length > 0 ? { errors } : {}) });
    }
    problem(res, 400, {
      title: 'Invalid Request',
      detail: 'One or more parameters to your request was invalid.',
      type: 'https://api.twitter.com/2/problems/invalid-request',
      errors: [{ message: "Request must contain one of 'add' or 'delete'" }],
    });
  }

  #stream(res: ServerResponse, query: URLSearchParams): void {
    this.lastStreamQuery = query;
    if (this.options.forbiddenStream) {
      this.streamStatuses.push(403);
      return problem(res, 403, {
        client_id: '12345678',
        detail:
          'When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens from a Twitter developer App that is attached to a Project. You can create a project via the developer portal.',
        registration_url: 'https://developer.twitter.com/en/docs/projects/overview',
        title: 'Client Forbidden',
        required_enrollment: 'Appropriate Level of API Access',
        reason: 'client-not-enrolled',
        type: 'https://api.twitter.com/2/problems/client-forbidden',
      });
    }
    const first = this.streamStatuses.length === 0;
    if ((first && this.options.tooManyConnectionsFirst) || this.#open !== null) {
      this.streamStatuses.push(429);
      res.setHeader('x-rate-limit-limit', '50');
      res.setHeader('x-rate-limit-remaining', '49');
      res.setHeader('x-rate-limit-reset', String(Math.ceil(Date.now() / 1_000) + 60));
      return problem(res, 429, {
        title: 'ConnectionException',
        detail: 'This stream is currently at the maximum allowed connection limit.',
        connection_issue: 'TooManyConnections',
        type: 'https://api.twitter.com/2/problems/streaming-connection',
      });
    }
    this.streamStatuses.push(200);
    this.#open = res;
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-cache' });
    res.flushHeaders();
    if (this.#dropped) this.#cursor = Math.max(0, this.#cursor - (this.options.redeliver ?? 0));
    // Keep-alives go between posts, never inside one that is being written in two parts.
    let midLine = false;
    const keepAlive = setInterval(() => midLine || res.write('\r\n'), this.options.keepAliveMs ?? 20_000);
    this.#timers.add(keepAlive);
    let sentHere = 0;
    const next = () => {
      if (this.#open !== res || this.#cursor >= this.options.posts.length) return;
      if (this.rules.length === 0) {
        // The API delivers nothing while no rule is set; look again shortly.
        this.#timers.add(setTimeout(next, 20));
        return;
      }
      if (!this.#dropped && this.options.dropAfter !== undefined && sentHere >= this.options.dropAfter) {
        this.#dropped = true;
        res.socket?.destroy(); // mid-stream, without ending the chunked body: what a network drop looks like
        return;
      }
      if (!this.#stalled && this.options.stallAfter !== undefined && sentHere >= this.options.stallAfter) {
        this.#stalled = true;
        clearInterval(keepAlive); // a half-dead connection: open, but nothing comes
        return;
      }
      const junk = this.options.junk?.get(this.#cursor);
      if (junk !== undefined) res.write(`${junk}\r\n`);
      const post = { ...this.options.posts[this.#cursor++], matching_rules: this.rules.map(({ id, tag }) => ({ id, tag })) };
      this.sent.push(post);
      sentHere += 1;
      // Sent in two writes cut inside a multi-byte character when the line has one, as TCP may deliver it.
      const line = Buffer.from(`${JSON.stringify(post)}\r\n`);
      const wide = line.findIndex((byte) => byte >= 0x80);
      const cut = wide >= 0 ? wide + 1 : line.length >> 1;
      res.write(line.subarray(0, cut));
      midLine = true;
      const rest = setTimeout(() => {
        midLine = false;
        if (this.#open !== res) return;
        res.write(line.subarray(cut));
        this.#timers.add(setTimeout(next, this.options.postIntervalMs ?? 1));
      }, 2);
      this.#timers.add(rest);
    };
    res.on('close', () => {
      clearInterval(keepAlive);
      this.#timers.delete(keepAlive);
      if (this.#open === res) this.#open = null;
    });
    next();
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

function problem(res: ServerResponse, status: number, body: unknown): void {
  if (!res.headersSent) res.writeHead(status, { 'content-type': 'application/problem+json' });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
