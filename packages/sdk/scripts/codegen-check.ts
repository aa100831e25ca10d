// `npm run codegen:check`: regenerates the SDK into a temporary folder and fails when the committed
// src/generated differs from it in any way (changed, missing or extra file).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { generate } from '@graphql-codegen/cli';
import { GENERATED_DIR, sdkCodegenConfig } from '../codegen.js';

function files(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/** Where two texts first differ: line, column and a little context on each side (documents are one long line). */
function firstDifference(committed: string, fresh: string): string {
  const a = committed.split('\n');
  const b = fresh.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const left = a[i];
    const right = b[i];
    if (left === right) continue;
    if (left === undefined || right === undefined) return `line ${i + 1}: ${left === undefined ? 'the committed file ends' : 'the generated file ends'}`;
    let column = 0;
    while (column < left.length && left[column] === right[column]) column++;
    const start = Math.max(0, column - 50);
    const clip = (line: string) => `${start > 0 ? '…' : ''}${line.slice(start, column + 70)}${line.length > column + 70 ? '…' : ''}`;
    return `line ${i + 1}, column ${column + 1}:\n      committed: ${clip(left)}\n      generated: ${clip(right)}`;
  }
  return 'same lines, different bytes';
}

const scratch = mkdtempSync(join(tmpdir(), 'hangar-sdk-codegen-'));
try {
  await generate(sdkCodegenConfig(scratch), true);
  const shown = relative(process.cwd(), GENERATED_DIR) || GENERATED_DIR;
  const problems: string[] = [];
  const fresh = files(scratch);
  const committed = files(GENERATED_DIR);
  for (const name of fresh) {
    if (!committed.includes(name)) {
      problems.push(`  ${shown}/${name}: missing`);
      continue;
    }
    const a = readFileSync(join(GENERATED_DIR, name), 'utf8');
    const b = readFileSync(join(scratch, name), 'utf8');
    if (a !== b) problems.push(`  ${shown}/${name}: out of date at ${firstDifference(a, b)}`);
  }
  for (const name of committed) if (!fresh.includes(name)) problems.push(`  ${shown}/${name}: not generated any more`);
  if (problems.length > 0) {
    process.stderr.write(
      `codegen:check: the generated SDK does not match schema.graphql and packages/sdk/src/operations/*.graphql:\n${problems.join('\n')}\n` +
        'Run `npm run codegen` and commit packages/sdk/src/generated.\n',
    );
    process.exitCode = 1;
  } else {
    process.stdout.write(`codegen:check: ${shown} is up to date (${fresh.join(', ')})\n`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
