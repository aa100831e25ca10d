import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printHangarSchema } from './build-schema.js';

// Writes the committed schema.graphql at the repository root, or with --check fails when it has drifted.
const target = fileURLToPath(new URL('../../../../schema.graphql', import.meta.url));
const schema = await printHangarSchema();

if (process.argv.includes('--check')) {
  let committed = '';
  try {
    committed = readFileSync(target, 'utf8');
  } catch {
    // a missing file is drift too
  }
  if (committed !== schema) {
    console.error('schema.graphql is out of date with the code in apps/api: run `npm run schema:emit` and commit it.');
    process.exit(1);
  }
  console.log('schema.graphql matches the code.');
} else {
  writeFileSync(target, schema);
  console.log(`wrote ${target}`);
}
