import { beforeAll, inject } from 'vitest';
import { Sandbox } from '../sandbox/index.js';

// TEMPORARY (not to commit): fills the registry's notification queue before the webhooks test listens.
const info = inject('sandbox');
const sandbox = Sandbox.attach(info);
beforeAll(async () => {
  for (let i = 0; i < 6; i++) {
    const ref = `${info.registry.host}/backlog/img${i}:v${i}`;
    await sandbox.docker('alpha', ['build', '-q', '-t', ref, '-'], { input: `FROM ${info.seed.baseRef}\nRUN echo ${i}-${Date.now()} > /b\n` });
    await sandbox.docker('alpha', ['push', ref]);
    await sandbox.docker('gamma', ['pull', ref]);
  }
}, 300_000);
await import('./webhooks.test.js');
