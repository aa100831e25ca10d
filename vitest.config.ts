import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

// Unit tests sit beside the code they test; end-to-end tests in test/e2e run against the real sandbox
// (Docker engines, registry, Redis) that test/e2e/global-setup.ts starts once for the whole run.
export default defineConfig({
  resolve: {
    // graphql ships ESM and CJS builds; Node (and so every dependency) loads the CJS one. Our code must use the
    // same instance or `instanceof GraphQLScalarType` fails across the two copies.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts'],
          setupFiles: ['reflect-metadata'],
          // Unit tests first, then the end-to-end files: nothing else competes for the two cores while the
          // e2e tests measure (the bad-input corpus bounds /healthz latency).
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          sequence: { groupOrder: 1 },
          globalSetup: ['test/e2e/global-setup.ts'],
          setupFiles: ['reflect-metadata'],
          // The engines are shared: one file at a time, so a test that stops an engine cannot break another.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
