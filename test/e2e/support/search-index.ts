import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One repository as a Docker Hub-style index describes it in `/v1/search`. */
export interface IndexRepository {
  name: string;
  description: string;
  star_count: number;
  is_official: boolean;
  is_automated: boolean;
}

/**
 * A small registry index serving `/v1/_ping` and `/v1/search` on loopback. Docker Hub cannot be reached here; an
 * engine searches this index exactly as it searches Hub when the term names it (`127.0.0.1:PORT/term`), so the
 * docker CLI and Hangar can be compared on the same engine against the same index.
 */
export async function startSearchIndex(repositories: IndexRepository[]): Promise<{ host: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://index');
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    if (url.pathname === '/v1/_ping') {
      res.writeHead(200, { 'content-type': 'application/json', 'x-docker-registry-standalone': 'true' }).end('true');
      return;
    }
    if (url.pathname === '/v1/search') {
      const q = (url.searchParams.get('q') ?? '').toLowerCase();
      const n = Number(url.searchParams.get('n') ?? 25);
      const results = repositories.filter((r) => r.name.toLowerCase().includes(q) || r.description.toLowerCase().includes(q)).slice(0, n);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ num_results: results.length, query: q, results }));
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[{"code":"NOT_FOUND"}]}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export const INDEX_FIXTURE: IndexRepository[] = [
  { name: 'library/busybox', description: 'Busybox base image.', star_count: 3200, is_official: true, is_automated: false },
  { name: 'library/nginx', description: 'Official build of Nginx.', star_count: 20100, is_official: true, is_automated: false },
  { name: 'bitnami/nginx', description: 'Bitnami container image for NGINX', star_count: 190, is_official: false, is_automated: true },
  { name: 'team/busybox-tools', description: 'busybox with extra tools', star_count: 12, is_official: false, is_automated: false },
  { name: 'acme/busy-worker', description: 'A worker that keeps busy', star_count: 0, is_official: false, is_automated: true },
  { name: 'radial/busyboxplus', description: 'Full-chain, Internet enabled, busybox made from scratch.', star_count: 55, is_official: false, is_automated: true },
];
