import { describe, expect, it } from 'vitest';
import { parseTagTarget } from './image-tagging.js';

describe('parseTagTarget', () => {
  it('takes what docker tag takes, latest when no tag', () => {
    expect(parseTagTarget('team/web')).toEqual({ repo: 'team/web', tag: 'latest' });
    expect(parseTagTarget('127.0.0.1:5000/a/b:1.0')).toEqual({ repo: '127.0.0.1:5000/a/b', tag: '1.0' });
  });

  // JavaScript's trim() also strips U+FEFF and Unicode spaces: trimming turned "\uFEFFapp:1" into a tag app:1.
  it.each(['\ufeffapp:1', ' app:1', 'app:1\n', '\u00a0app:1', 'app:1\u2028'])('refuses surrounding white space and BOMs (%j), as docker does', (target) => {
    expect(() => parseTagTarget(target)).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
  });

  it('refuses digests and bad digests', () => {
    expect(() => parseTagTarget(`app@sha256:${'0'.repeat(64)}`)).toThrow(/digest/);
    expect(() => parseTagTarget(`app@sha256:${'F'.repeat(64)}`)).toThrow(/lowercase hex/);
  });
});
