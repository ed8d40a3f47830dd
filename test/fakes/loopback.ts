import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * Failures every fake service can be told to produce, whatever its wire format:
 * - `hang`: the request is read and never answered (a timeout for the client);
 * - `lose-reply`: the request is processed, then the connection is cut before the answer (the client
 *   cannot know whether it took effect);
 * - `close`: the connection is cut before the request is processed (nothing happened).
 * Failures answered with an HTTP status (`500`, `429`) are the fake's own, in its service's error shape.
 */
export type TransportFailure = 'hang' | 'lose-reply' | 'close';

export interface LoopbackRequest {
  method: string;
  /** Without the query string. */
  path: string;
  /** The query string's parameters. */
  query: URLSearchParams;
  raw: string;
  header(name: string): string | undefined;
}

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/**
 * A real HTTP server on 127.0.0.1 (port 0, so tests never collide), for the outside services the app
 * calls: it reads and records each request, then either fails it as told by `failNext` or answers
 * through the fake's `route`. `stop()` closes the port and cuts every open connection.
 */
export abstract class LoopbackFake<Recorded extends { path: string }, Failure extends string> {
  port = 0;
  /** Every request that reached the server, in order (including failed and retried ones). */
  requests: Recorded[] = [];
  private failures: { mode: Failure; path?: string | RegExp }[] = [];
  private server?: Server;
  private sockets = new Set<Socket>();

  /** What is kept of a request in `requests`. */
  protected abstract record(request: LoopbackRequest): Recorded;
  /** The answer when nothing fails. */
  protected abstract route(request: LoopbackRequest, recorded: Recorded): Reply;
  /** The answer for an injected failure that is an HTTP status, in the service's error shape. */
  protected abstract failure(mode: Exclude<Failure, TransportFailure>): Reply;
  /** The answer when the fake itself threw. */
  protected abstract crashed(err: unknown): Reply;
  /** How a JSON body is sent (services differ in their content type). */
  protected contentType = 'application/json';

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /**
   * The next `count` requests fail this way; each retry of a client is a request. With `path`, only
   * requests to that path (or matching that pattern) fail, and other requests pass untouched.
   */
  failNext(mode: Failure, count = 1, path?: string | RegExp): void {
    for (let i = 0; i < count; i++) this.failures.push({ mode, path });
  }

  requestsTo(path: string): Recorded[] {
    return this.requests.filter((r) => r.path === path);
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err) => {
        if (!res.headersSent) this.send(res, this.crashed(err));
      });
    });
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const request: LoopbackRequest = {
      method: req.method ?? 'GET',
      path: (req.url ?? '/').split('?')[0]!,
      query: new URL(req.url ?? '/', 'http://127.0.0.1').searchParams,
      raw: await readBody(req),
      header: (name) => {
        const v = req.headers[name.toLowerCase()];
        return Array.isArray(v) ? v[0] : v;
      },
    };
    const recorded = this.record(request);
    this.requests.push(recorded);

    const index = this.failures.findIndex((f) => f.path === undefined || (typeof f.path === 'string' ? f.path === request.path : f.path.test(request.path)));
    const failure = index === -1 ? undefined : this.failures.splice(index, 1)[0]!.mode;
    if (failure === 'hang') return; // never answered; stop() destroys the socket
    if (failure === 'close') {
      res.socket?.destroy();
      return;
    }
    if (failure !== undefined && failure !== 'lose-reply') return this.send(res, this.failure(failure as Exclude<Failure, TransportFailure>));

    const reply = this.route(request, recorded);
    if (failure === 'lose-reply') {
      // Processed (its effects are kept), but the answer never arrives.
      res.socket?.destroy();
      return;
    }
    this.send(res, reply);
  }

  private send(res: ServerResponse, reply: Reply) {
    for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
    res.writeHead(reply.status, { 'Content-Type': this.contentType });
    res.end(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body));
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
