#!/usr/bin/env node
// The `hangar` command: runs the TypeScript sources through tsx (no build step, as everywhere in Hangar).
import { register } from 'tsx/esm/api';

// A reader that went away (`hangar images | head -1`) ends the command quietly, as it ends docker.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv);
