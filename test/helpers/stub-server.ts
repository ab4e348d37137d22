/** A tiny local HTTP stub for client unit tests: one handler per test, real sockets on port 0. */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../src/core/clock.js';

export interface StubReply {
  status?: number;
  headers?: Record<string, string>;
  json?: unknown;
  /** Raw body text (wins over json). */
  raw?: string;
  /** Destroy the socket instead of answering. */
  reset?: boolean;
}

export interface StubRequest {
  method: string;
  url: URL;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface Stub {
  url: string;
  requests: StubRequest[];
  close(): Promise<void>;
}

export async function startStub(handler: (r: StubRequest) => StubReply | Promise<StubReply>): Promise<Stub> {
  const requests: StubRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const r: StubRequest = { method: req.method ?? 'GET', url: new URL(req.url ?? '/', 'http://stub'), headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(r);
      const reply = await handler(r);
      if (reply.reset) {
        req.socket.destroy();
        return;
      }
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
      res.end(reply.raw ?? (reply.json === undefined ? '' : JSON.stringify(reply.json)));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A virtual clock whose sleeps pass instantly (time jumps forward); `sleeps` records each one. */
export function createJumpClock(startMs = Date.UTC(2026, 10, 1)): Clock & { sleeps: number[]; advance(ms: number): void } {
  let now = startMs;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleep: async (ms, signal) => {
      signal?.throwIfAborted();
      sleeps.push(ms);
      now += Math.max(0, ms);
      await new Promise((r) => setImmediate(r));
    },
    sleeps,
    advance: (ms) => void (now += ms),
  };
}
