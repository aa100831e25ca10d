// The SDK is proven on every operation: each method the SDK generates from src/operations is called by some
// end-to-end test (directly, or through the `run.*` job handles that wrap it). A new operation without an
// end-to-end caller fails here, naming it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const generated = readFileSync(join(root, 'packages/sdk/src/generated/sdk.ts'), 'utf8');
const methods = [...generated.matchAll(/^ {4}(\w+)\(variables\??: /gm)].map((match) => match[1]!);

/** Calls that reach an operation through the SDK's own wrappers. */
const WRAPPERS: Record<string, RegExp> = {
  pullImage: /\brun\.pull\(/,
  pushImage: /\brun\.push\(/,
  buildImage: /\brun\.build\(/,
  copyImage: /\brun\.copy\(/,
  importImage: /\brun\.import\(/,
  loadImage: /\brun\.load\(/,
  retryJob: /\brun\.retry\(/,
};

function e2eSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return e2eSources(path);
    return entry.name.endsWith('.ts') && entry.name !== 'sdk-coverage.test.ts' ? [readFileSync(path, 'utf8')] : [];
  });
}

describe('SDK coverage by the end-to-end tests', () => {
  it('finds the generated methods', () => {
    expect(methods.length).toBeGreaterThan(40);
    expect(methods).toContain('hosts');
    expect(methods).toContain('webhookDeliveries');
  });

  it('every SDK operation has an end-to-end caller', () => {
    const sources = e2eSources(join(root, 'test/e2e')).join('\n');
    const uncalled = methods.filter((method) => !new RegExp(`\\.${method}\\(`).test(sources) && !WRAPPERS[method]?.test(sources));
    expect(uncalled).toEqual([]);
  });
});
