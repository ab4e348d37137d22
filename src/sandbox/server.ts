/**
 * node:http adapter: turns sockets into SandboxRequest values and back, and carries out the socket
 * actions faults ask for (reset = destroy without answering; delay = answer after real ms).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { App } from './app.js';
import type { SandboxRequest, SandboxResponse } from './http.js';
import { allowedHosts, hostAllowed } from './host-check.js';
import { v3ErrorBody } from './v3-error.js';

export interface HttpServer {
  server: Server;
  port: number;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        resolve(undefined);
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(size > limit ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function write(res: ServerResponse, out: SandboxResponse): void {
  if (res.destroyed) return;
  const headers: Record<string, string> = { ...out.headers };
  let payload: string | undefined;
  if (out.body !== undefined && out.status !== 204) {
    payload = JSON.stringify(out.body);
    headers['Content-Type'] = 'application/json;charset=UTF-8';
    headers['Content-Length'] = String(Buffer.byteLength(payload));
  }
  res.writeHead(out.status, headers);
  res.end(payload);
}

export function startHttpServer(app: App, opts: { port: number; host: string; maxBodyBytes: number }): Promise<HttpServer> {
  const timers = new Set<NodeJS.Timeout>();
  let allowed = new Set<string>(); // set once the port is known (before the first request)
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req, opts.maxBodyBytes);
      const url = new URL(req.url ?? '/', 'http://sandbox.local');
      if (!hostAllowed(req.headers.host, allowed)) {
        const accepted = [...allowed].slice(0, 4).join(', ');
        write(res, {
          status: 403,
          headers: {},
          body: v3ErrorBody(
            403,
            'HOST_NOT_ALLOWED',
            [{ field_name: 'Host', message: `Host ${JSON.stringify(req.headers.host ?? '')} is not this sandbox's address; use one of ${accepted}` }],
            url.pathname,
            req.method ?? 'GET',
          ),
        });
        return;
      }
      if (body === undefined) {
        write(res, {
          status: 400,
          headers: {},
          body: v3ErrorBody(400, 'INVALID_INPUTSTREAM', [{ message: 'request body too large' }], url.pathname, req.method ?? 'GET'),
        });
        return;
      }
      const headers: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      const sreq: SandboxRequest = {
        method: (req.method ?? 'GET').toUpperCase(),
        path: url.pathname,
        query: url.searchParams,
        headers,
        body,
      };
      let out: SandboxResponse;
      try {
        out = app.handle(sreq);
      } catch (e) {
        out = {
          status: 500,
          headers: {},
          body: v3ErrorBody(500, 'INTERNAL_SERVER_ERROR', [{ message: e instanceof Error ? e.message : String(e) }], sreq.path, sreq.method),
        };
      }
      if (out.socket?.kind === 'reset') {
        req.socket.destroy();
        return;
      }
      if (out.socket?.kind === 'late') {
        const { ms, commit } = out.socket;
        const t = setTimeout(() => {
          timers.delete(t);
          try {
            commit();
          } finally {
            req.socket.destroy();
          }
        }, ms);
        timers.add(t);
        return;
      }
      if (out.socket?.kind === 'delay') {
        const t = setTimeout(() => {
          timers.delete(t);
          write(res, out);
        }, out.socket.ms);
        timers.add(t);
        return;
      }
      write(res, out);
    })().catch(() => req.socket.destroy());
  });
  // Longer than clients keep idle sockets (undici: server hint - 1 s), so a client never reuses a socket
  // the server is closing at that moment (ECONNRESET races under load).
  server.keepAliveTimeout = 65_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : opts.port;
      allowed = allowedHosts(opts.host, port);
      resolve({
        server,
        port,
        close: () =>
          new Promise<void>((done) => {
            for (const t of timers) clearTimeout(t);
            timers.clear();
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
