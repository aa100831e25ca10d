import { describe, expect, it } from 'vitest';
import { ellipsis } from './ellipsis.js';

describe("docker's Ellipsis", () => {
  it('cuts ASCII to the width, the last column being …', () => {
    expect(ellipsis('/bin/sh -c #(nop)  LABEL org.hangar.tier=frontend org.hangar.team=web', 45)).toBe('/bin/sh -c #(nop)  LABEL org.hangar.tier=fro…');
    expect(ellipsis('short', 45)).toBe('short');
    expect(ellipsis('x'.repeat(45), 45)).toBe('x'.repeat(45));
    expect(ellipsis('abc', 1)).toBe('a');
    expect(ellipsis('abc', 0)).toBe('');
  });

  it('counts East Asian wide characters as two', () => {
    expect(ellipsis('镜像镜像镜像', 7)).toBe('镜像镜…');
    expect(ellipsis('镜像', 4)).toBe('镜像');
  });
});
