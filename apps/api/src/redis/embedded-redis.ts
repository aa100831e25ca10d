import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureCommands, isAlive, spawnDaemon, stopPid, waitFor } from '@hangar/system';
import { connectRedis } from './redis-connection.js';

/** A redis-server that Hangar started for itself, with its data (AOF on) under dataDir. */
export interface EmbeddedRedis {
  url: string;
  stop(): Promise<void>;
}

const MAX_SOCKET_PATH = 100;

/**
 * Starts redis-server listening only on a unix socket (mode 700) under dataDir, with append-only persistence.
 * A redis left running by an earlier Hangar that died is stopped first (its pidfile says which).
 *
 * Memory: `maxmemory` is `maxMemoryBytes` (0: no limit) with `maxmemory-policy noeviction`, the only policy BullMQ
 * accepts: at the limit Redis refuses writes (an enqueue or an upload fails with an error) instead of silently
 * evicting keys, which would drop queued jobs, job locks or their logs.
 */
export async function startEmbeddedRedis(
  dataDir: string,
  log: (line: string) => void,
  { maxMemoryBytes = 0 }: { maxMemoryBytes?: number } = {},
): Promise<EmbeddedRedis> {
  await ensureCommands([{ command: 'redis-server', debianPackage: 'redis-server' }], { log });
  const dir = join(dataDir, 'redis');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pidFile = join(dir, 'redis.pid');
  if (existsSync(pidFile)) {
    const stale = Number(readFileSync(pidFile, 'utf8').trim());
    if (Number.isInteger(stale) && stale > 1 && isAlive(stale)) {
      log(`stopping a redis-server left behind by an earlier run (pid ${stale})`);
      await stopPid(stale);
    }
  }
  let socket = join(dir, 'redis.sock');
  if (socket.length > MAX_SOCKET_PATH) {
    socket = join(tmpdir(), `hangar-redis-${createHash('sha256').update(dir).digest('hex').slice(0, 12)}.sock`);
  }
  rmSync(socket, { force: true });
  const daemon = spawnDaemon({
    command: 'redis-server',
    args: [
      '--port', '0',
      '--unixsocket', socket,
      '--unixsocketperm', '700',
      '--dir', dir,
      '--appendonly', 'yes',
      '--appendfsync', 'everysec',
      '--save', '',
      '--daemonize', 'no',
      '--pidfile', pidFile,
      '--logfile', '',
      '--maxmemory', String(maxMemoryBytes),
      '--maxmemory-policy', 'noeviction',
    ],
    logFile: join(dir, 'redis.log'),
  });
  const url = `unix://${socket}`;
  const exitedEarly = daemon.exited.then((code) => {
    throw new Error(`redis-server exited with code ${code}; see ${join(dir, 'redis.log')}`);
  });
  exitedEarly.catch(() => {});
  await Promise.race([
    waitFor('the embedded redis-server', async () => {
      if (!existsSync(socket)) return false;
      const client = connectRedis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      try {
        await client.connect();
        return (await client.ping()) === 'PONG';
      } finally {
        client.disconnect();
      }
    }, { timeoutMs: 15_000 }),
    exitedEarly,
  ]);
  return {
    url,
    async stop() {
      await daemon.stop();
      rmSync(socket, { force: true });
    },
  };
}
