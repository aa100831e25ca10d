// @hangar/sdk's job handles against a running Hangar with workers: a real pull from the sandbox registry onto
// two hosts, followed with `progress()` (graphql-ws) and `done()`, and a failed job's `done()` rejecting.
import { randomBytes } from 'node:crypto';
import { HangarError, JobFailedError, type HangarClient, type Job } from '@hangar/sdk';
import { tarOf } from '@hangar/core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Sandbox, type EngineName } from '../sandbox/index.js';
import { sandboxHost, startTestHangar, type TestHangar } from './support/hangar.js';
import { pushFreshImage, sandboxRegistry } from './support/registry-images.js';

const info = inject('sandbox');
const sandbox = Sandbox.attach(info);
const run = randomBytes(3).toString('hex');
const ENGINES: EngineName[] = ['alpha', 'beta', 'gamma'];
const TARGETS: EngineName[] = ['beta', 'gamma'];

let hangar: TestHangar;
let client: HangarClient;

beforeAll(async () => {
  hangar = await startTestHangar(info, { hosts: ENGINES.map((name) => sandboxHost(info, name)), registries: [sandboxRegistry(info)] });
  client = hangar.sdk;
});

afterAll(async () => {
  await hangar?.stop();
});

/** A fresh image in the sandbox registry, not on any host. */
const pushedImage = (name: string, extra = '') => pushFreshImage(sandbox, info, `sdk-jobs-${run}`, name, extra);

describe('job handles', () => {
  it('pulls onto two hosts: batch progress over batchUpdated, job progress over jobUpdated, done() with the final jobs', async () => {
    const ref = await pushedImage('pulled');
    const batch = await client.run.pull({ ref, hosts: TARGETS });
    expect(batch.userErrors).toEqual([]);
    expect(batch.batchId).toBeTruthy();
    expect(batch.jobs.map((job) => job.host).sort()).toEqual(TARGETS);

    // One job followed on its own while the batch is followed as a whole.
    const single: Job[] = [];
    const following = (async () => {
      for await (const update of batch.jobs[0]!.progress()) single.push(update);
    })();
    const updates: Job[] = [];
    for await (const update of batch.progress()) updates.push(update);
    await following;

    const finals = await batch.done();
    expect(finals.map((job) => job.state)).toEqual(['COMPLETED', 'COMPLETED']);
    for (const engine of TARGETS) {
      const mine = updates.filter((job) => job.host === engine);
      expect(mine.at(-1)!.state).toBe('COMPLETED');
      const layerIds = new Set(mine.flatMap((job) => job.progress?.layers.map((layer) => layer.id) ?? []));
      expect(layerIds.size, `${engine} layers`).toBeGreaterThan(0);
      const final = finals.find((job) => job.host === engine)!;
      const { stdout } = await sandbox.docker(engine, ['image', 'inspect', ref, '--format', '{{.Id}}']);
      expect(final.result?.imageId).toBe(stdout.trim());
    }
    expect(single.at(-1)!.state).toBe('COMPLETED');
    expect(single.every((job) => job.id === batch.jobs[0]!.id)).toBe(true);

    // A handle made from an ID, after the fact: done() resolves with the finished job at once.
    const again = await client.run.job(batch.jobs[1]!.id).done();
    expect(again.state).toBe('COMPLETED');
    expect(again.host).toBe(batch.jobs[1]!.host);
  });

  it("rejects done() with a JobFailedError carrying the job's error code when the job FAILED", async () => {
    const batch = await client.run.build({
      hosts: ['beta'],
      dockerfile: `FROM ${info.seed.baseRef}\nRUN echo failing-${run} && exit 3\n`,
      tags: [`sdk-jobs-${run}/broken:1`],
    });
    expect(batch.userErrors).toEqual([]);
    const job = batch.jobs[0]!;
    const error = await job.done().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobFailedError);
    expect(error).toBeInstanceOf(HangarError);
    const failure = error as JobFailedError;
    expect(failure.job.state).toBe('FAILED');
    expect(failure.code).toBe(failure.job.error!.code);
    expect(failure.code).toMatch(/^[A-Z_]+$/);
    expect(failure.host).toBe('beta');
    expect(failure.message).toMatch(/non-zero code: 3/);
    // The batch rejects the same way, with every final job.
    const batchError = (await batch.done().catch((e: unknown) => e)) as JobFailedError;
    expect(batchError.code).toBe(failure.code);
    expect(batchError.jobs.map((j) => j.state)).toEqual(['FAILED']);

    // jobLogs pages through the log from a line on: the pages put together are the whole log.
    const { job: whole } = await client.job({ id: job.id, logs: 10_000 });
    expect(whole!.logs.length).toBeGreaterThan(2);
    const pages: string[] = [];
    for (let from = 0; ; ) {
      const { job: page } = await client.jobLogs({ id: job.id, from, last: 2 });
      expect(page!.state).toBe('FAILED');
      pages.push(...page!.logs);
      from += page!.logs.length;
      if (page!.logs.length < 2) break;
    }
    expect(pages).toEqual(whole!.logs);
    expect(pages.join('\n')).toContain(`failing-${run}`);
    await expect(client.jobLogs({ id: job.id, from: -1 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('uploads a build context once and builds it on two hosts (archives.uploadBuildContext + run.build)', async () => {
    const files = { Dockerfile: `FROM ${info.seed.baseRef}\nCOPY hello.txt /hello.txt\n`, 'hello.txt': `hello-${run}\n` };
    const tar = await tarOf(files);
    const uploaded = await client.archives.uploadBuildContext({ context: new Uint8Array(tar) });
    expect(uploaded.key).toMatch(/^ctx-/);
    expect(uploaded.bytes).toBe(tar.length);
    const finals = await (await client.run.build({ contextUpload: uploaded.key, tags: [`sdk-jobs-${run}/ctx:1`], hosts: TARGETS })).done();
    for (const final of finals) {
      const { stdout } = await sandbox.docker(final.host as EngineName, ['image', 'inspect', '--format', '{{.Id}}', `sdk-jobs-${run}/ctx:1`]);
      expect(final.result?.imageId).toBe(stdout.trim());
    }
    // Not a tar: the REST endpoint's 400 is a HangarError with its code.
    await expect(client.archives.uploadBuildContext({ context: new TextEncoder().encode('not a tar at all') })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});
