/**
 * Seed images, built locally on each engine (no network): a busybox rootfs imported as the base, images FROM it
 * that share layers, a multi-tag image, a dangling image, a labelled image, and a created container.
 */
import { copyFile, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '@hangar/system';
import type { EngineName, EngineSeed, SeedInfo } from './types.js';

export type DockerFn = (name: EngineName, args: string[], opts?: { input?: string | Buffer }) => Promise<{ stdout: string; stderr: string }>;

export const BASE_REF = 'hangar-test/base:1.0';
export const APP_10 = 'hangar-test/app:1.0';
export const APP_11 = 'hangar-test/app:1.1';
export const LABELED_REF = 'hangar-test/labeled:1.0';
export const REBUILT_REF = 'hangar-test/rebuilt:latest';
export const MULTI_REFS = ['hangar-test/multi:a', 'hangar-test/multi:b', 'hangar-test/multi:latest'];
export const KEEP_CONTAINER = 'hangar-keep';

/** LABELs of each seeded ref (the Dockerfiles below are generated from this, so it cannot drift). */
export const SEED_LABELS: Record<string, Record<string, string>> = {
  [BASE_REF]: { 'org.hangar.image': 'base' },
  [APP_10]: { 'org.hangar.image': 'base', 'org.hangar.tier': 'frontend', 'org.hangar.team': 'web', 'org.opencontainers.image.version': '1.0' },
  [APP_11]: { 'org.hangar.image': 'base', 'org.hangar.tier': 'backend', 'org.hangar.team': 'web', 'org.opencontainers.image.version': '1.1' },
  [MULTI_REFS[0]!]: { 'org.hangar.image': 'base', 'org.hangar.team': 'platform' },
  [LABELED_REF]: {
    'org.hangar.image': 'base',
    'org.hangar.tier': 'backend',
    'org.hangar.team': 'data',
    'org.hangar.owner': 'qa@hangar.test',
    'org.opencontainers.image.title': 'labeled',
  },
  [REBUILT_REF]: { 'org.hangar.image': 'base', 'org.hangar.revision': '2' },
};
for (const ref of MULTI_REFS.slice(1)) SEED_LABELS[ref] = SEED_LABELS[MULTI_REFS[0]!]!;

/** SeedInfo before/without seeding: names only. */
export function emptySeedInfo(): SeedInfo {
  const emptyEngine = (): EngineSeed => ({ refs: [], imageIds: {}, danglingImageId: '', containerId: '' });
  return {
    seeded: false,
    baseRef: BASE_REF,
    taggedRefs: [APP_10, APP_11, LABELED_REF, REBUILT_REF],
    sharedLayerRefs: [APP_10, APP_11],
    multiTagRefs: [...MULTI_REFS],
    rebuiltRef: REBUILT_REF,
    labels: structuredClone(SEED_LABELS),
    container: { name: KEEP_CONTAINER, image: APP_10 },
    engines: { alpha: emptyEngine(), beta: emptyEngine(), gamma: emptyEngine() },
    pushed: null,
  };
}

const BUSYBOX_APPLETS = [
  'sh', 'ash', 'ls', 'cat', 'echo', 'sleep', 'true', 'false', 'env', 'id', 'ps', 'pwd', 'mkdir', 'rm', 'cp', 'mv', 'ln',
  'wc', 'grep', 'head', 'tail', 'touch', 'date', 'hostname', 'uname', 'printf', 'test', 'sed', 'find', 'du', 'df', 'wget',
];

const labelLine = (labels: Record<string, string>, skip: string[] = []) =>
  `LABEL ${Object.entries(labels)
    .filter(([k]) => !skip.includes(k))
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(' ')}`;

export interface SeedContext {
  baseTar: string;
  /** Build context holding every Dockerfile.* */
  contextDir: string;
}

/** Writes the busybox rootfs tar and the build context once, for all engines. */
export async function prepareSeedContext(dir: string): Promise<SeedContext> {
  const busybox = (await run('sh', ['-c', 'command -v busybox'])).stdout.trim();
  // A dynamically linked busybox (Debian package "busybox") would not run inside the image.
  const ldd = await run('ldd', [busybox]).catch((e: { result?: { stdout: string; stderr: string } }) => e.result ?? { stdout: '', stderr: '' });
  if (!/not a dynamic executable|statically linked/.test(`${ldd.stdout}${ldd.stderr}`)) {
    throw new Error(`${busybox} is not statically linked: install the Debian package busybox-static (apt-get install -y busybox-static)`);
  }
  const rootfs = join(dir, 'rootfs');
  for (const sub of ['bin', 'etc', 'tmp', 'srv', 'root', 'proc', 'sys', 'dev']) await mkdir(join(rootfs, sub), { recursive: true });
  await copyFile(busybox, join(rootfs, 'bin/busybox'));
  for (const applet of BUSYBOX_APPLETS) await symlink('busybox', join(rootfs, 'bin', applet));
  await writeFile(join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n');
  await writeFile(join(rootfs, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
  const baseTar = join(dir, 'base.tar');
  await run('tar', ['--numeric-owner', '-C', rootfs, '-cf', baseTar, '.']);

  const ctx = join(dir, 'context');
  await mkdir(join(ctx, 'common'), { recursive: true });
  await writeFile(join(ctx, 'common/README.txt'), 'shared by hangar-test/app:1.0 and :1.1\n');
  await writeFile(join(ctx, 'common/data.txt'), 'x'.repeat(4096));
  await writeFile(join(ctx, 'multi.txt'), 'one image, three tags\n');
  await writeFile(join(ctx, 'rebuilt-1.txt'), 'first build (becomes dangling)\n');
  await writeFile(join(ctx, 'rebuilt-2.txt'), 'second build\n');
  const base = `FROM ${BASE_REF}\n`;
  const app = (version: string, ref: string) =>
    `${base}COPY common/ /srv/common/\nRUN echo ${version} > /srv/version\n${labelLine(SEED_LABELS[ref]!, ['org.hangar.image'])}\nCMD ["sleep", "3600"]\n`;
  const files: Record<string, string> = {
    'Dockerfile.app-1.0': app('1.0', APP_10),
    'Dockerfile.app-1.1': app('1.1', APP_11),
    'Dockerfile.multi': `${base}COPY multi.txt /srv/multi.txt\n${labelLine(SEED_LABELS[MULTI_REFS[0]!]!, ['org.hangar.image'])}\n`,
    'Dockerfile.labeled': `${base}${labelLine(SEED_LABELS[LABELED_REF]!, ['org.hangar.image'])}\n`,
    'Dockerfile.rebuilt-1': `${base}COPY rebuilt-1.txt /srv/rebuilt.txt\nLABEL org.hangar.revision="1"\n`,
    'Dockerfile.rebuilt-2': `${base}COPY rebuilt-2.txt /srv/rebuilt.txt\nLABEL org.hangar.revision="2"\n`,
  };
  for (const [name, text] of Object.entries(files)) await writeFile(join(ctx, name), text);
  return { baseTar, contextDir: ctx };
}

/** Seeds one engine (sequential steps; call it for several engines in parallel). */
export async function seedEngine(docker: DockerFn, name: EngineName, ctx: SeedContext): Promise<EngineSeed> {
  const d = (args: string[]) => docker(name, args);
  const build = async (dockerfile: string, tags: string[]) => {
    const { stdout } = await d(['build', '-q', '--network', 'none', '-f', join(ctx.contextDir, dockerfile), ...tags.flatMap((t) => ['-t', t]), ctx.contextDir]);
    const id = stdout.trim().split('\n').pop() ?? '';
    if (!id.startsWith('sha256:')) throw new Error(`docker build ${dockerfile} on ${name}: unexpected output ${JSON.stringify(stdout)}`);
    return id;
  };

  await d(['import', '--change', 'CMD ["sh"]', '--change', labelLine(SEED_LABELS[BASE_REF]!), '--message', 'hangar sandbox base (static busybox)', ctx.baseTar, BASE_REF]);
  // app:1.1 reuses app:1.0's COPY layer through the build cache, so they must be built one after the other.
  const apps = (async () => {
    await build('Dockerfile.app-1.0', [APP_10]);
    await build('Dockerfile.app-1.1', [APP_11]);
  })();
  const multi = build('Dockerfile.multi', MULTI_REFS);
  const labeled = build('Dockerfile.labeled', [LABELED_REF]);
  const dangling = (async () => {
    const first = await build('Dockerfile.rebuilt-1', [REBUILT_REF]);
    await build('Dockerfile.rebuilt-2', [REBUILT_REF]);
    return first;
  })();
  const [, , , danglingImageId] = await Promise.all([apps, multi, labeled, dangling]);

  const containerId = (await d(['create', '--name', KEEP_CONTAINER, '--network', 'none', '--label', 'org.hangar.keep=true', APP_10])).stdout.trim();

  const refs = [BASE_REF, APP_10, APP_11, ...MULTI_REFS, LABELED_REF, REBUILT_REF];
  const ids = (await d(['image', 'inspect', '--format', '{{.Id}}', ...refs])).stdout.trim().split('\n');
  const imageIds = Object.fromEntries(refs.map((ref, i) => [ref, ids[i] ?? '']));

  const danglingNow = (await d(['image', 'ls', '-q', '--no-trunc', '--filter', 'dangling=true'])).stdout.split('\n');
  if (!danglingNow.includes(danglingImageId)) throw new Error(`seeding ${name}: ${danglingImageId} is not dangling (got ${danglingNow.join(',')})`);
  if (imageIds[APP_10] === imageIds[APP_11]) throw new Error(`seeding ${name}: app:1.0 and app:1.1 are the same image`);
  return { refs, imageIds, danglingImageId, containerId };
}

/** Logs in to the registry (private DOCKER_CONFIG), tags `sourceRef` and pushes it. */
export async function pushToRegistry(
  docker: DockerFn,
  name: EngineName,
  registry: { host: string; username: string; password: string },
  sourceRef: string,
): Promise<NonNullable<SeedInfo['pushed']>> {
  const [repository = '', tag = 'latest'] = sourceRef.split(':');
  const ref = `${registry.host}/${repository}:${tag}`;
  await docker(name, ['login', '--username', registry.username, '--password-stdin', registry.host], { input: registry.password });
  await docker(name, ['tag', sourceRef, ref]);
  const { stdout } = await docker(name, ['push', ref]);
  const digest = /digest: (sha256:[0-9a-f]{64})/.exec(stdout)?.[1];
  if (!digest) throw new Error(`docker push ${ref}: no digest in output:\n${stdout}`);
  return { engine: name, sourceRef, ref, repository, tag, digest };
}
