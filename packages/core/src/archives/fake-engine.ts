// Test helper: a fake Docker Engine on a unix socket, to drive DockerHostClient through the failure modes a real
// engine rarely shows on demand (an error after the first byte, a stall, a slow stream, a late answer).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DockerHostClient } from '../docker/docker-host-client.js';
import { parseEndpoint } from '../docker/endpoint.js';

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** Bytes of body received. */
  bodyBytes: number;
  /** The connection closed before the request body ended, or before the answer was sent. */
  aborted: boolean;
  done: Promise<void>;
}

export type FakeHandler = (req: IncomingMessage, res: ServerResponse, record: FakeRequest) => void | Promise<void>;

export interface FakeEngine {
  /** `unix:///…/docker.sock`, for a host entry of a configuration. */
  endpoint: string;
  client(options?: { requestTimeoutMs?: number }): DockerHostClient;
  requests: FakeRequest[];
  /** Requests other than version negotiation and pings. */
  calls(): FakeRequest[];
  route(method: string, path: string | RegExp, handler: FakeHandler): void;
  close(): Promise<void>;
}

/** Reads a request body to its end, counting bytes (or fails when the connection breaks). */
export function drain(req: IncomingMessage, record: FakeRequest): Promise<Buffer> {
  const parts: Buffer[] = [];
  return new Promise((resolve, reject) => {
    req.on('data', (chunk: Buffer) => {
      record.bodyBytes += chunk.length;
      if (parts.length < 64) parts.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
    req.on('aborted', () => reject(new Error('aborted')));
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startFakeEngine(): Promise<FakeEngine> {
  const dir = mkdtempSync(join(tmpdir(), 'fake-engine-'));
  const socketPath = join(dir, 'docker.sock');
  const routes: { method: string; path: string | RegExp; handler: FakeHandler }[] = [];
  const requests: FakeRequest[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://engine');
    const path = decodeURIComponent(url.pathname).replace(/^\/v1\.\d+/, '');
    let settle!: () => void;
    const record: FakeRequest = { method: req.method ?? 'GET', path, query: url.searchParams, bodyBytes: 0, aborted: false, done: new Promise((r) => (settle = r)) };
    requests.push(record);
    res.on('close', () => {
      if (!res.writableFinished || !req.complete) record.aborted = true;
      settle();
    });
    if (path === '/version') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ Version: '20.10.24', ApiVersion: '1.41', MinAPIVersion: '1.12', Os: 'linux', Arch: 'amd64' }));
      return;
    }
    if (path === '/_ping' && !routes.some((r) => r.path === '/_ping')) {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
      return;
    }
    const route = routes.find((r) => r.method === record.method && (typeof r.path === 'string' ? r.path === path : r.path.test(path)));
    if (!route) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ message: `no such image: ${path}` }));
      return;
    }
    Promise.resolve(route.handler(req, res, record)).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return {
    endpoint: `unix://${socketPath}`,
    requests,
    calls: () => requests.filter((r) => r.path !== '/version' && r.path !== '/_ping'),
    client: ({ requestTimeoutMs = 2000 } = {}) => new DockerHostClient({ name: 'fake', endpoint: parseEndpoint(`unix://${socketPath}`), requestTimeoutMs }),
    route: (method, path, handler) => routes.unshift({ method, path, handler }),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
