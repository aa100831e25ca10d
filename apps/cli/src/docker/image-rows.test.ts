import type { ImageSummaryFragment } from '@hangar/sdk';
import { describe, expect, it } from 'vitest';
import { formatRows } from '../format/docker-format.js';
import { IMAGE_HEADERS, imageListFormat, imageRows, type ImageListOptions } from './image-rows.js';

const digest = `sha256:${'d'.repeat(64)}`;
const image = (overrides: Partial<ImageSummaryFragment>): ImageSummaryFragment => ({
  id: 'x',
  imageId: `sha256:${'ab12'.repeat(16)}`,
  shortId: 'ab12ab12ab12',
  hostName: 'alpha',
  repoTags: [],
  repoDigests: [],
  created: '2021-03-04T05:06:07Z',
  size: 1_986_717,
  dangling: false,
  parentId: null,
  labels: [],
  ...overrides,
});

function render(images: ImageSummaryFragment[], options: Partial<ImageListOptions> & { format?: string } = {}): string {
  const list: ImageListOptions = { quiet: false, digests: false, noTrunc: false, multiHost: false, ...options };
  const format = imageListFormat(options.format, list);
  return formatRows(format, images.flatMap((i) => imageRows(i, { ...list, format })), IMAGE_HEADERS);
}

describe('docker image ls rows', () => {
  const tagged = image({ repoTags: ['team/app:1', 'team/app:2', '127.0.0.1:5000/team/app:1'], repoDigests: [`127.0.0.1:5000/team/app@${digest}`] });
  const digestOnly = image({ imageId: `sha256:${'cd34'.repeat(16)}`, repoDigests: [`other/app@${digest}`] });
  const dangling = image({ imageId: `sha256:${'ef56'.repeat(16)}`, dangling: true });

  it('one row per tag, digests only with --digests, a <none> row for a dangling image', () => {
    const rows = render([tagged, digestOnly, dangling], { format: '{{.Repository}}|{{.Tag}}|{{.ID}}' });
    expect(rows).toBe(
      ['team/app|1|ab12ab12ab12', 'team/app|2|ab12ab12ab12', '127.0.0.1:5000/team/app|1|ab12ab12ab12', 'other/app|<none>|cd34cd34cd34', '<none>|<none>|ef56ef56ef56', ''].join('\n'),
    );
    const withDigests = render([tagged, digestOnly], { digests: true, format: '{{.Repository}}|{{.Tag}}|{{.Digest}}' });
    expect(withDigests).toBe([`team/app|1|<none>`, `team/app|2|<none>`, `127.0.0.1:5000/team/app|1|${digest}`, `other/app|<none>|${digest}`, ''].join('\n'));
  });

  it('-q prints IDs, --no-trunc the full ID with sha256:', () => {
    expect(render([dangling], { quiet: true })).toBe('ef56ef56ef56\n');
    expect(render([dangling], { quiet: true, noTrunc: true })).toBe(`sha256:${'ef56'.repeat(16)}\n`);
  });

  it('a table format gets the Digest column appended with --digests; HOST comes first for several hosts', () => {
    expect(imageListFormat('table {{.ID}}', { quiet: false, digests: true, noTrunc: false, multiHost: false })).toBe('table {{.ID}}\t{{.Digest}}');
    expect(imageListFormat(undefined, { quiet: false, digests: false, noTrunc: false, multiHost: true })).toMatch(/^table \{\{\.Host\}\}\t\{\{\.Repository\}\}/);
    expect(render([dangling], { multiHost: true, format: 'table {{.Host}}\t{{.ID}}' })).toBe('HOST      IMAGE ID\nalpha     ef56ef56ef56\n');
  });

  it('json rows have docker’s keys (Host only for several hosts)', () => {
    const json = JSON.parse(render([dangling], { format: 'json' })) as Record<string, string>;
    expect(Object.keys(json)).toEqual(['Containers', 'CreatedAt', 'CreatedSince', 'Digest', 'ID', 'Repository', 'SharedSize', 'Size', 'Tag', 'UniqueSize', 'VirtualSize']);
    expect(json).toMatchObject({ Containers: 'N/A', Size: '1.99MB', VirtualSize: '1.987MB', SharedSize: 'N/A', UniqueSize: 'N/A' });
    expect(Object.keys(JSON.parse(render([dangling], { format: 'json', multiHost: true })) as object)).toContain('Host');
  });
});
