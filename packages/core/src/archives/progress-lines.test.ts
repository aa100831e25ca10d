import { describe, expect, it } from 'vitest';
import {
  engineFailure,
  importedImageIdOf,
  isArchiveFault,
  JsonLinesDecoder,
  loadedImageOf,
  MAX_LINE_CHARS,
  messageError,
  type ProgressLine,
} from './progress-lines.js';

const ID = `sha256:${'ab'.repeat(32)}`;

/** A real `POST /images/load` answer from docker 20.10 (quiet=0, one image replaced), `\r\n` after each line. */
const LOAD_STREAM = [
  '{"stream":"The image hangar-test/base:1.0 already exists, renaming the old one with ID sha256:28d78e3ed70b675eee7d53eba0c0736bc45a1b17e2fc94a1e7b097e83d42dfe5 to empty string\\n"}',
  '{"stream":"Loaded image: hangar-test/base:1.0\\n"}',
  '{"status":"Loading layer","progressDetail":{"current":7680,"total":7680},"progress":"[==================================================\\u003e]   7.68kB/7.68kB","id":"c08b23a6745a"}',
  `{"stream":"Loaded image ID: ${ID}\\n"}`,
  '{"stream":"Loaded image: hangar-test/app:1.0\\n"}',
]
  .map((line) => `${line}\r\n`)
  .join('');

function decodeIn(pieces: (string | Buffer)[]): ProgressLine[] {
  const decoder = new JsonLinesDecoder();
  const out = pieces.flatMap((piece) => decoder.push(typeof piece === 'string' ? Buffer.from(piece) : piece));
  return [...out, ...decoder.end()];
}

const loadedOf = (lines: ProgressLine[]) => lines.flatMap((l) => (l.kind === 'message' ? [loadedImageOf(l.message)].filter(Boolean) : []));

describe('JsonLinesDecoder', () => {
  const whole = decodeIn([LOAD_STREAM]);

  it('parses a whole stream', () => {
    expect(whole).toHaveLength(5);
    expect(loadedOf(whole)).toEqual([{ ref: 'hangar-test/base:1.0' }, { imageId: ID }, { ref: 'hangar-test/app:1.0' }]);
  });

  it.each([1, 2, 3, 7, 64, 100])('gives the same lines whatever the chunking (%i-byte chunks)', (size) => {
    const bytes = Buffer.from(LOAD_STREAM);
    const pieces: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += size) pieces.push(bytes.subarray(i, i + size));
    expect(decodeIn(pieces)).toEqual(whole);
  });

  it('keeps a UTF-8 character split across chunks', () => {
    const bytes = Buffer.from('{"stream":"Loaded image: café/ü:1\\n"}\n');
    const split = bytes.indexOf(0xc3) + 1; // inside "é"
    expect(decodeIn([bytes.subarray(0, split), bytes.subarray(split)])).toEqual([{ kind: 'message', message: { stream: 'Loaded image: café/ü:1\n' } }]);
  });

  it('reports malformed lines instead of throwing, and goes on', () => {
    const decoder = new JsonLinesDecoder();
    const lines = [...decoder.push(Buffer.from('not json\n{"status":"ok"}\n[1,2]\n"str"\n{"stream":"cut')), ...decoder.end()];
    expect(lines).toEqual([
      { kind: 'malformed', text: 'not json' },
      { kind: 'message', message: { status: 'ok' } },
      { kind: 'malformed', text: '[1,2]' },
      { kind: 'malformed', text: '"str"' },
      { kind: 'malformed', text: '{"stream":"cut' },
    ]);
    expect(decoder.malformed).toBe(4);
  });

  it('ignores blank lines and \\r\\n, and reads a last line without a newline', () => {
    expect(decodeIn(['\r\n\n  \n{"status":"a"}\r\n\r\n{"status":"b"}'])).toEqual([
      { kind: 'message', message: { status: 'a' } },
      { kind: 'message', message: { status: 'b' } },
    ]);
  });

  it('never buffers an endless line: it is reported once and dropped', () => {
    const decoder = new JsonLinesDecoder();
    const big = 'x'.repeat(64 * 1024);
    const out: ProgressLine[] = [];
    for (let sent = 0; sent <= MAX_LINE_CHARS * 2; sent += big.length) out.push(...decoder.push(big));
    out.push(...decoder.push('\n{"status":"after"}\n'), ...decoder.end());
    expect(out).toHaveLength(2);
    expect(out[0]).toMatchObject({ kind: 'malformed' });
    expect(out[1]).toEqual({ kind: 'message', message: { status: 'after' } });
  });
});

describe('messages', () => {
  it('an error anywhere: errorDetail.message, else error', () => {
    expect(messageError({ errorDetail: { message: 'unexpected EOF' }, error: 'unexpected EOF' })).toBe('unexpected EOF');
    expect(messageError({ error: 'only error' })).toBe('only error');
    expect(messageError({ errorDetail: {} })).toBe('the engine reported an error without a message');
    expect(messageError({ stream: 'Loaded image: a:b\n' })).toBeUndefined();
    expect(messageError({ status: 'Loading layer' })).toBeUndefined();
  });

  it('Loaded image lines', () => {
    expect(loadedImageOf({ stream: 'Loaded image: 127.0.0.1:5000/a/b:1.0\n' })).toEqual({ ref: '127.0.0.1:5000/a/b:1.0' });
    expect(loadedImageOf({ stream: `Loaded image ID: ${ID}\n` })).toEqual({ imageId: ID });
    expect(loadedImageOf({ stream: 'The image a:b already exists, renaming the old one\n' })).toBeUndefined();
    expect(loadedImageOf({ status: 'Loaded image: a:b' })).toBeUndefined();
  });

  it('the image ID that ends an import', () => {
    expect(importedImageIdOf({ status: ID })).toBe(ID);
    expect(importedImageIdOf({ status: 'Importing', progressDetail: { current: 1 } })).toBeUndefined();
  });
});

describe('engine failures', () => {
  it.each([
    'Error processing tar file(exit status 1): unexpected EOF',
    'archive/tar: invalid tar header',
    'open /var/lib/docker/tmp/docker-import-1705467328/repositories: no such file or directory',
    'open /var/lib/docker/tmp/docker-import-1686148904/02cde814/json: no such file or directory',
    'open /var/lib/docker/tmp/docker-import-1662895497/config.json: no such file or directory',
    "invalid character '{' looking for beginning of object key string",
    'invalid character \'}\' after object key',
    '"../../x" is outside of "/var/lib/docker/tmp/docker-import-1"',
  ])('about the archive: BAD_REQUEST with the engine message (%s)', (message) => {
    expect(isArchiveFault(message)).toBe(true);
    const error = engineFailure('alpha', 'image load', message);
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toContain(message);
    expect(error.host).toBe('alpha');
  });

  it('says when the archive is not an image archive', () => {
    expect(engineFailure('alpha', 'image load', 'open /x/docker-import-1/repositories: no such file or directory').message).toMatch(/not an image archive/);
  });

  it.each(['write /var/lib/docker/tmp/x: no space left on device', 'failed to register layer: devicemapper: Error running deviceCreate'])('anything else: ENGINE_ERROR (%s)', (message) => {
    expect(engineFailure('beta', 'image load', message).code).toBe('ENGINE_ERROR');
  });
});
