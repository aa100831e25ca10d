import { describe, expect, it } from 'vitest';
import { HangarError } from '../errors/hangar-error.js';
import { resolveForDelete } from './image-removal.js';
import type { StoreImage, StoreSnapshot } from './store-snapshot.js';

/*
 * resolveForDelete turns what the user typed into what DELETE /images/{name} is sent, resolving as the engine's
 * GetImage does (moby daemon/images/image.go): a reference that names an image wins over an ID prefix.
 */

const DIGEST = `sha256:${'7e'.repeat(32)}`;
const ID_A = `sha256:ab12cd${'3'.repeat(58)}`;
const ID_B = `sha256:ab34${'f'.repeat(60)}`;
const ID_C = `sha256:abc${'0'.repeat(61)}`;
const ID_D = `sha256:${'9'.repeat(64)}`;

function image(id: string, tags: string[], digests: string[] = []): StoreImage {
  return { id, parentId: undefined, tags, digests, chain: [], created: new Date('2026-01-01T00:00:00Z'), labels: {} };
}

function snapshot(): StoreSnapshot {
  const images = [
    image(ID_A, ['app:1', 'abc:latest', 'localhost:5000/team/app:latest'], [`app@${DIGEST}`]),
    image(ID_B, []),
    image(ID_C, ['other:2']),
    image(ID_D, ['uni:latest']),
  ];
  return { images: new Map(images.map((img) => [img.id, img])), containers: [], layerSizes: new Map() };
}

function refusal(ref: string): HangarError {
  try {
    resolveForDelete(snapshot(), ref);
  } catch (error) {
    if (error instanceof HangarError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(ref)} to be refused`);
}

describe('resolveForDelete', () => {
  it.each<[string, string, string]>([
    ['a tagged reference is sent as typed', 'app:1', 'app:1'],
    ['a fully qualified reference is sent as typed', 'docker.io/library/app:1', 'docker.io/library/app:1'],
    ['a digest reference', `app@${DIGEST}`, `app@${DIGEST}`],
    ['a name alone, when name:latest exists', 'uni', 'uni'],
    ['a registry with a port and no tag means :latest', 'localhost:5000/team/app', 'localhost:5000/team/app'],
    ['surrounding ASCII white space (a pasted newline) is dropped', ' \tapp:1\r\n', 'app:1'],
    ['a reference wins over an ID prefix it also is (abc:latest vs sha256:abc…)', 'abc', 'abc'],
    ['a full ID', ID_C, ID_C],
    ['a full ID without its algorithm', ID_C.slice(7), ID_C],
    ['a unique ID prefix', 'ab12', ID_A],
    ['a unique ID prefix with its algorithm', 'sha256:ab3', ID_B],
    ['a hex prefix that is also a valid name with no such tag', '99999', ID_D],
  ])('%s', (_, ref, sent) => {
    expect(resolveForDelete(snapshot(), ref)).toBe(sent);
  });

  it.each<[string, string]>([
    ['app:2', 'No such image: app:2'],
    ['app', 'No such image: app'],
    ['docker.io/other/app:1', 'No such image: docker.io/other/app:1'],
    [`sha256:${'0'.repeat(64)}`, `No such image: sha256:${'0'.repeat(64)}`],
    ['0'.repeat(64), `No such image: ${'0'.repeat(64)}`],
    ['abd', 'No such image: abd'],
    ['sha256:zz', 'No such image: sha256:zz'],
    [' app:9 ', 'No such image: app:9'],
  ])('%j is not found: "%s" (a per-ref problem, not a refusal of the request)', (ref, message) => {
    const error = refusal(ref);
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toBe(message);
  });

  it.each(['', ' ', '\n\t'])('%j: a reference or ID is required', (ref) => {
    const error = refusal(ref);
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toBe('an image reference or ID is required');
  });

  it.each(['App:1', 'app:1 extra', '\ufeffapp:1', 'app:1\u00a0', 'app@sha256:abc', `AB12CD${'3'.repeat(58)}`, 'app:/1'])('%j is a malformed reference: BAD_REQUEST', (ref) => {
    const error = refusal(ref);
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message.startsWith(`invalid reference format "${ref}": `)).toBe(true);
  });

  it('an ambiguous ID prefix names every candidate (short ID and tags) and deletes nothing', () => {
    const error = refusal('ab');
    expect(error.code).toBe('AMBIGUOUS_REFERENCE');
    expect(error.message).toBe(
      `"ab" matches 3 images: ab12cd333333 (app:1, abc:latest, localhost:5000/team/app:latest); ab34ffffffff; abc000000000 (other:2); nothing was deleted`,
    );
    expect(refusal('sha256:a').code).toBe('AMBIGUOUS_REFERENCE');
  });
});
