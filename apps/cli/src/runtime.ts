import { createHangarClient, type HangarClient } from '@hangar/sdk';
import { resolveConnection, type Connection } from './config/connection.js';

/** What commands use of the process: streams, environment, and the client (made on first use). */
export interface Runtime {
  readonly env: NodeJS.ProcessEnv;
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream;
  connection(): Connection;
  client(): HangarClient;
  out(text: string): void;
  err(text: string): void;
  /** Closes the client's connections, if a client was made. */
  closeClient(): Promise<void>;
  /** Set by a command that printed what it could but failed in part (a host error, a ref not removed). */
  exitCode: number;
}

export function createRuntime(io: Pick<Runtime, 'env' | 'stdin' | 'stdout' | 'stderr'>): Runtime {
  let connection: Connection | undefined;
  let client: HangarClient | undefined;
  return {
    ...io,
    exitCode: 0,
    connection() {
      connection ??= resolveConnection(io.env);
      return connection;
    },
    client() {
      const { url, token } = this.connection();
      client ??= createHangarClient({ url, token, headers: { 'user-agent': 'hangar-cli' } });
      return client;
    },
    async closeClient() {
      await client?.close();
    },
    out(text: string) {
      io.stdout.write(text);
    },
    err(text: string) {
      io.stderr.write(text);
    },
  };
}
