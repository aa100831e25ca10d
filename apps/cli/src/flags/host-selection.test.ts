import type { HangarClient } from '@hangar/sdk';
import { describe, expect, it } from 'vitest';
import { CliError, UsageError } from '../cli-error.js';
import type { Runtime } from '../runtime.js';
import { mutationHosts, selectHosts } from './host-selection.js';

/** A runtime whose client only answers `hosts`. */
function runtime(hostNames: string[], defaultHost?: string): Runtime {
  const client = { hosts: async () => ({ hosts: hostNames.map((name) => ({ name })) }) } as unknown as HangarClient;
  return {
    connection: () => ({ url: 'http://h', token: 't', defaultHost, configFile: '/dev/null' }),
    client: () => client,
  } as unknown as Runtime;
}

describe('which hosts a command works on', () => {
  it('-H, repeated or comma-separated; several hosts mean a HOST column', async () => {
    expect(await selectHosts(runtime([]), { host: ['alpha'] }, 'x')).toEqual({ hosts: ['alpha'], multiHost: false, allHosts: false });
    expect(await selectHosts(runtime([]), { host: ['alpha', 'beta,gamma', 'alpha'] }, 'x')).toEqual({ hosts: ['alpha', 'beta', 'gamma'], multiHost: true, allHosts: false });
  });

  it('--all-hosts is every host; not with -H, not for single-host commands', async () => {
    expect(await selectHosts(runtime([]), { allHosts: true }, 'x')).toEqual({ hosts: undefined, multiHost: true, allHosts: true });
    await expect(selectHosts(runtime([]), { allHosts: true, host: ['a'] }, 'x')).rejects.toBeInstanceOf(UsageError);
    await expect(selectHosts(runtime([]), { allHosts: true }, 'tag', { single: true })).rejects.toThrow('"tag" works on one host');
    await expect(selectHosts(runtime([]), { host: ['a', 'b'] }, 'tag', { single: true })).rejects.toThrow('works on one host, got 2');
  });

  it('else the default host, else the only host, else an error naming them', async () => {
    expect(await selectHosts(runtime(['alpha', 'beta'], 'beta'), {}, 'x')).toEqual({ hosts: ['beta'], multiHost: false, allHosts: false });
    expect(await selectHosts(runtime(['solo']), {}, 'x')).toEqual({ hosts: ['solo'], multiHost: false, allHosts: false });
    const error = await selectHosts(runtime(['alpha', 'beta']), {}, 'x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as Error).message).toBe('2 hosts are configured (alpha, beta): choose with -H NAME (or HANGAR_HOST), or use --all-hosts');
  });

  it('mutations get the hosts chosen, or allHosts: true for --all-hosts, never nothing', async () => {
    expect(mutationHosts(await selectHosts(runtime([]), { allHosts: true }, 'rmi'))).toEqual({ allHosts: true });
    expect(mutationHosts(await selectHosts(runtime(['alpha', 'beta'], 'beta'), {}, 'rmi'))).toEqual({ hosts: ['beta'] });
    expect(mutationHosts(await selectHosts(runtime(['solo']), {}, 'rmi'))).toEqual({ hosts: ['solo'] });
    expect(mutationHosts(await selectHosts(runtime([]), { host: ['a,b'] }, 'rmi'))).toEqual({ hosts: ['a', 'b'] });
  });
});
