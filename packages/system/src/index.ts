export { ensureCommands, MissingSystemPackageError, type CommandRequirement } from './packages.js';
export { spawnDaemon, stopPid, isAlive, type Daemon, type SpawnDaemonOptions } from './daemon.js';
export { waitFor, WaitTimeoutError } from './wait.js';
export { freePort } from './ports.js';
export { run, RunError, type RunResult, type RunOptions } from './run.js';
