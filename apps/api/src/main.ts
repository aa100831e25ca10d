import 'reflect-metadata';
import { ConfigError, loadConfig } from '@hangar/core';
import { MissingSystemPackageError } from '@hangar/system';
import { startHangar } from './app.js';

const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);

async function main(): Promise<void> {
  const config = loadConfig();
  const hangar = await startHangar(config, { adminToken: process.env.HANGAR_ADMIN_TOKEN || undefined, log });
  log(`Hangar listening on ${hangar.url} (GraphQL at ${hangar.url}/graphql, health at ${hangar.url}/healthz)`);
  log(`hosts: ${hangar.hosts.names().join(', ')}`);
  if (hangar.generatedAdminToken) {
    process.stdout.write(
      `\nAdmin token (shown only this once; Hangar keeps just its hash):\n\n  ${hangar.generatedAdminToken}\n\n` +
        `Use it as: Authorization: Bearer <token>. Set HANGAR_ADMIN_TOKEN to choose your own.\n\n`,
    );
  }
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: shutting down`);
    hangar.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log(`shutdown failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof MissingSystemPackageError) {
    log(`cannot start: ${error.message}`);
  } else {
    log(`cannot start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
  process.exit(1);
});
