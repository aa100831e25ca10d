import { freePort, waitFor } from '@hangar/system';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MAX_API_VERSION, compareApiVersions } from '@hangar/core';
import { createHangarClient, HangarError, type HostFieldsFragment } from '@hangar/sdk';
import { Sandbox, type EngineName } from '../sandbox/index.js';
import { graphql } from './support/graphql.js';
import { sandboxHost, startTestHangar, type TestHangar } from './support/hangar.js';

const info = inject('sandbox');
const sandbox = Sandbox.attach(info);
const ENGINES: EngineName[] = ['alpha', 'beta', 'gamma'];

let hangar: TestHangar;

beforeAll(async () => {
  const closedPort = await freePort();
  const gamma = info.engines.gamma;
  hangar = await startTestHangar(info, {
    health: { intervalMs: 60_000, timeoutMs: 3_000 },
    hosts: [
      ...ENGINES.map((name) => sandboxHost(info, name)),
      { name: 'closed-port', endpoint: `tcp://127.0.0.1:${closedPort}` },
      { name: 'missing-socket', endpoint: `unix://${info.dir}/no-such-engine.sock` },
      { name: 'gamma-no-client-cert', endpoint: gamma.endpoint, tls: { ca: gamma.tls!.ca } },
      { name: 'gamma-plain-http', endpoint: gamma.endpoint },
    ],
  });
});

afterAll(async () => {
  await hangar?.stop();
});

async function hosts(): Promise<Map<string, HostFieldsFragment>> {
  const data = await hangar.sdk.hosts({ refresh: true });
  return new Map(data.hosts.map((host) => [host.name, host]));
}

async function host(name: string): Promise<HostFieldsFragment | null> {
  return (await hangar.sdk.host({ name, refresh: true })).host;
}

describe('HTTP surface', () => {
  it('serves /healthz without a token', async () => {
    const response = await fetch(`${hangar.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', redis: 'ok' });
  });

  it('answers 401 with a JSON error to GraphQL without a token or with a wrong one', async () => {
    // Raw HTTP: the SDK cannot send a request without a token, and the point here is the status and body on the wire.
    const none = await graphql(hangar.url, undefined, '{ hosts { name } }');
    expect(none.status).toBe(401);
    expect(none.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const wrong = await graphql(hangar.url, 'hgr_wrong', '{ hosts { name } }');
    expect(wrong.status).toBe(401);
    expect(wrong.errors?.[0]?.message).toBe('invalid token');
    // ... and the SDK turns that answer into its typed error.
    const error = await createHangarClient({ url: hangar.url, token: 'hgr_wrong' })
      .hosts()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HangarError);
    expect(error).toMatchObject({ code: 'UNAUTHENTICATED', status: 401, message: 'invalid token' });
  });

  it('gives unknown fields a validation error code, not a 500', async () => {
    // Raw: a deliberately invalid selection, which no typed SDK document can express.
    const result = await graphql(hangar.url, hangar.token, '{ hosts { nope } }');
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('serves Prometheus metrics to a token: host health as the API reports it, requests, engine calls, jobs', async () => {
    expect((await fetch(`${hangar.url}/metrics`)).status).toBe(401);
    const { hosts: states } = await hangar.sdk.hosts({ refresh: true });
    await hangar.sdk.hostImages({ host: 'alpha' });
    const response = await fetch(`${hangar.url}/metrics`, { headers: { authorization: `Bearer ${hangar.token}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    const value = (line: string) => Number(new RegExp(`^${line.replace(/[{}"=]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1]);
    for (const state of states) expect(value(`hangar_host_up{host="${state.name}"}`), state.name).toBe(state.status === 'UP' ? 1 : 0);
    expect(value('hangar_engine_calls_total')).toBeGreaterThan(0);
    expect(value('hangar_http_requests_total{method="POST",route="/graphql",status="2xx"}')).toBeGreaterThanOrEqual(2);
    for (const state of ['queued', 'active', 'completed', 'failed']) expect(value(`hangar_jobs{host="alpha",state="${state}"}`)).toBeGreaterThanOrEqual(0);
    expect(text).toMatch(/^# TYPE hangar_host_up gauge$/m);
    expect(text).not.toContain(hangar.token);
  });

  it('refuses an operation nested deeper than the limit before it runs', async () => {
    // Raw, as above: the schema has no cycle a valid query could nest 13 deep through, so the fields are made up.
    const deep = `{ hosts ${'{ a '.repeat(12)}${'}'.repeat(12)} }`;
    const result = await graphql(hangar.url, hangar.token, deep);
    expect(result.status).toBe(400);
    expect(result.errors?.map((error) => error.extensions?.code)).toContain('QUERY_TOO_DEEP');
    expect(result.errors?.find((error) => error.extensions?.code === 'QUERY_TOO_DEEP')?.message).toBe('the operation nests fields 13 deep; the limit is 12');
  });
});

describe('hosts', () => {
  it('reports alpha, beta and gamma UP with what `docker version` and `docker info` report', async () => {
    const all = await hosts();
    for (const name of ENGINES) {
      const view = all.get(name)!;
      expect(view, name).toMatchObject({ status: 'UP', error: null, errorCode: null });
      const { stdout: versionJson } = await sandbox.docker(name, ['version', '--format', '{{json .Server}}']);
      const server = JSON.parse(versionJson) as { Version: string; ApiVersion: string; MinAPIVersion: string; Os: string; Arch: string; KernelVersion: string };
      const { stdout: infoJson } = await sandbox.docker(name, ['info', '--format', '{{json .}}']);
      const dockerInfo = JSON.parse(infoJson) as { Name: string; OperatingSystem: string; Driver: string; Images: number; Containers: number; NCPU: number; MemTotal: number };
      const expectedApi = compareApiVersions(server.ApiVersion, MAX_API_VERSION) < 0 ? server.ApiVersion : MAX_API_VERSION;
      expect(view.engine, name).toEqual({
        version: server.Version,
        apiVersion: expectedApi,
        maxApiVersion: server.ApiVersion,
        minApiVersion: server.MinAPIVersion,
        name: dockerInfo.Name,
        operatingSystem: dockerInfo.OperatingSystem,
        os: server.Os,
        arch: server.Arch,
        kernelVersion: server.KernelVersion,
        storageDriver: dockerInfo.Driver,
        images: dockerInfo.Images,
        containers: dockerInfo.Containers,
        cpus: dockerInfo.NCPU,
        memory: dockerInfo.MemTotal,
      });
      expect(view.endpoint).toBe(info.engines[name].endpoint);
      expect(view.labels).toEqual(
        Object.entries(info.engines[name].labels)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([key, value]) => ({ key, value })),
      );
    }
  });

  it('reports a closed port and a missing socket DOWN with a readable error within 5 s, the others staying UP', async () => {
    const started = Date.now();
    const all = await hosts();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(all.get('closed-port')).toMatchObject({ status: 'DOWN', errorCode: 'HOST_UNREACHABLE', engine: null });
    expect(all.get('closed-port')!.error).toMatch(/connection refused/);
    expect(all.get('missing-socket')).toMatchObject({ status: 'DOWN', errorCode: 'HOST_UNREACHABLE', engine: null });
    expect(all.get('missing-socket')!.error).toMatch(/no such socket/);
    for (const name of ENGINES) expect(all.get(name)!.status, name).toBe('UP');
  });

  it('reports gamma without its client certificate DOWN with a TLS error', async () => {
    const noCert = await host('gamma-no-client-cert');
    expect(noCert).toMatchObject({ status: 'DOWN', errorCode: 'TLS_ERROR' });
    expect(noCert!.error).toMatch(/TLS/);
    const plain = await host('gamma-plain-http');
    expect(plain).toMatchObject({ status: 'DOWN', errorCode: 'TLS_ERROR' });
    expect(plain!.error).toMatch(/requires TLS/);
  });

  it('answers null for a host name that is not configured', async () => {
    expect(await host('nope')).toBeNull();
  });

  it('turns beta DOWN when its engine stops and UP again when it restarts, alpha and gamma staying UP', async () => {
    try {
      await sandbox.stopEngine('beta');
      const down = await host('beta');
      expect(down).toMatchObject({ status: 'DOWN', errorCode: 'HOST_UNREACHABLE', engine: null });
      const all = await hosts();
      expect(all.get('alpha')!.status).toBe('UP');
      expect(all.get('gamma')!.status).toBe('UP');
    } finally {
      await sandbox.startEngine('beta');
    }
    await waitFor('beta to be UP again', async () => (await host('beta'))?.status === 'UP', { timeoutMs: 30_000, intervalMs: 250 });
    const { stdout } = await sandbox.docker('beta', ['version', '--format', '{{.Server.Version}}']);
    expect((await host('beta'))!.engine!.version).toBe(stdout.trim());
  });
});
