import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decryptSecret, encryptSecret } from './credentials.js';
import { jobDataSchemas } from './kinds.js';
import { sealJobData } from './producer.js';

const key = randomBytes(32);
const seal = (plain: string) => encryptSecret(key, plain);

describe('sealJobData', () => {
  const secrets = ['p:ss@w"rd\\ü', 'sig/+=ü🔑'];
  const url = `https://bob:${encodeURIComponent(secrets[0]!)}@files.example.com/rootfs.tar?X-Amz-Signature=${encodeURIComponent(secrets[1]!)}&X-Amz-Expires=60`;

  it.each(['import', 'load'] as const)('%s: keeps the URL redacted, the real one only sealed, and the result still validates', (kind) => {
    const data = sealJobData(kind, jobDataSchemas[kind].parse({ url }) as Record<string, unknown>, seal);
    expect(data.url).toBe('https://files.example.com/rootfs.tar?X-Amz-Signature=redacted&X-Amz-Expires=redacted');
    expect(decryptSecret(key, data.sealedUrl as string)).toBe(url);
    const stored = JSON.stringify(data);
    for (const secret of [...secrets, ...secrets.map(encodeURIComponent)]) expect(stored).not.toContain(secret);
    expect(jobDataSchemas[kind].parse(data)).toEqual(data);
  });

  it('seals a remote build context URL (a token as user)', () => {
    const data = sealJobData('build', jobDataSchemas.build.parse({ context: { kind: 'remote', url: 'https://ghp_T0ken@github.com/o/r.git#main' } }) as Record<string, unknown>, seal);
    const context = data.context as { url: string; sealedUrl: string };
    expect(context.url).toBe('https://github.com/o/r.git');
    expect(decryptSecret(key, context.sealedUrl)).toBe('https://ghp_T0ken@github.com/o/r.git#main');
    expect(jobDataSchemas.build.parse(data)).toMatchObject({ context });
  });

  it('leaves a URL without credentials alone, and refuses to keep one with credentials without a key', () => {
    const plain = { url: 'http://127.0.0.1:8080/x.tar' };
    expect(sealJobData('load', plain, undefined)).toBe(plain);
    expect(() => sealJobData('load', { url }, undefined)).toThrow(/cannot be kept without the secret key/);
    expect(sealJobData('pull', { ref: 'a:1' }, undefined)).toEqual({ ref: 'a:1' });
  });
});
