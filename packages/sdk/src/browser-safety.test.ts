import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = dirname(fileURLToPath(import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('the SDK runs in browsers', () => {
  it('no runtime source but the Node WebSocket shim imports a Node module or ws', () => {
    const offenders: string[] = [];
    for (const file of sources(root)) {
      const name = relative(root, file);
      if (name === join('transport', 'websocket.node.ts')) continue;
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/^\s*import\s+(?!type\b)[^'"]*['"]([^'"]+)['"]/gm)) {
        const specifier = match[1]!;
        if (specifier.startsWith('node:') || specifier === 'ws' || /^(fs|path|os|http|https|net|tls|stream|crypto|url|util)$/.test(specifier)) {
          offenders.push(`${name}: ${specifier}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });

  it('the #websocket import resolves to the browser file outside Node', () => {
    const pkg = JSON.parse(readFileSync(join(root, '..', 'package.json'), 'utf8')) as { imports: Record<string, Record<string, string>> };
    expect(pkg.imports['#websocket']).toEqual({ node: './src/transport/websocket.node.ts', default: './src/transport/websocket.browser.ts' });
    expect(readFileSync(join(root, 'transport', 'websocket.browser.ts'), 'utf8')).not.toMatch(/from '/);
  });
});
