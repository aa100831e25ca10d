// A worker process on its own: `node --import tsx apps/worker/src/main.ts` (npm start runs workers inside the API process).
import { ConfigError, loadConfig } from '@hangar/core';
import { startWorkerPool } from './worker-pool.js';

const log = (line: string) => process.stderr.write(`${new Date().toISOString()} [worker ${process.pid}] ${line}\n`);

try {
  const config = loadConfig();
  const redisUrl = config.redis?.url;
  if (!redisUrl) throw new ConfigError('redis.url', 'a separate worker process needs a shared Redis: set REDIS_URL or redis.url');
  const pool = await startWorkerPool({ config, redisUrl, log });
  let stopping = false;
  const stop = (signal: string) => {
    // A second signal exits at once: running jobs are then taken over by another worker once their lock expires.
    if (stopping) {
      log(`${signal} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    log(`${signal}: finishing running jobs (send it again to exit now)`);
    pool.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
} catch (error) {
  log(`cannot start: ${(error as Error).message}`);
  process.exit(1);
}
