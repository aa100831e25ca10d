import { describe, expect, it } from 'vitest';
import { formatRows } from '../format/docker-format.js';
import { DEFAULT_DISK_USAGE_TABLE, DISK_USAGE_HEADERS, diskUsageRows } from './disk-usage-rows.js';
import { HISTORY_HEADERS, historyFormat, historyRow } from './history-rows.js';
import { DEFAULT_SEARCH_TABLE, SEARCH_HEADERS, searchRow } from './search-rows.js';

describe('docker system df lines', () => {
  const summary = (totalCount: number, activeCount: number, size: number, reclaimable: number) => ({ totalCount, activeCount, size, reclaimable });
  it('RECLAIMABLE with a whole percentage, none for the build cache or an empty size', () => {
    const usage = {
      host: 'alpha',
      layersSize: 0,
      images: summary(7, 1, 1_986_717, 1_986_713),
      containers: summary(1, 0, 0, 0),
      volumes: summary(0, 0, 0, 0),
      buildCache: summary(2, 0, 5000, 5000),
      imageDetails: [],
    };
    expect(formatRows(DEFAULT_DISK_USAGE_TABLE, diskUsageRows(usage, false), DISK_USAGE_HEADERS)).toBe(
      [
        'TYPE            TOTAL     ACTIVE    SIZE      RECLAIMABLE',
        'Images          7         1         1.987MB   1.987MB (99%)',
        'Containers      1         0         0B        0B',
        'Local Volumes   0         0         0B        0B',
        'Build Cache     2         0         5kB       5kB',
        '',
      ].join('\n'),
    );
  });
});

describe('docker history rows', () => {
  const entry = { id: null, created: '2021-01-01T00:00:01Z', createdBy: '/bin/sh -c #(nop)\tLABEL a=b c=d e=f g=h i=j k=l m=n o=p', size: 4130, comment: null, tags: [] };
  it('<missing> IDs, tabs as spaces, CREATED BY cut at 45, sizes human or in bytes', () => {
    const human = historyRow(entry, 'alpha', { quiet: false, noTrunc: false, human: true, multiHost: false });
    expect(formatRows('{{.ID}}|{{.CreatedBy}}|{{.Size}}', [human], HISTORY_HEADERS)).toBe('<missing>|/bin/sh -c #(nop) LABEL a=b c=d e=f g=h i=j …|4.13kB\n');
    const raw = historyRow(entry, 'alpha', { quiet: false, noTrunc: true, human: false, multiHost: false });
    expect(formatRows('{{.CreatedSince}}|{{.Size}}', [raw], HISTORY_HEADERS)).toBe('2021-01-01T00:00:01Z|4130\n');
    expect(historyFormat(undefined, { quiet: false, noTrunc: false, human: false, multiHost: false })).toContain('{{.CreatedAt}}');
    expect(historyFormat(undefined, { quiet: true, noTrunc: false, human: true, multiHost: false })).toBe('{{.ID}}');
  });
});

describe('docker search rows', () => {
  const hit = { name: 'library/busybox', description: 'Busybox\nbase image.', starCount: 3200, isOfficial: true, isAutomated: false, registry: 'docker.io' };
  it('[OK] in text, true/false in JSON, newlines in descriptions as spaces', () => {
    const row = searchRow(hit, { noTrunc: false });
    expect(formatRows(DEFAULT_SEARCH_TABLE, [row], SEARCH_HEADERS)).toBe(
      ['NAME              DESCRIPTION           STARS     OFFICIAL', 'library/busybox   Busybox base image.   3200      [OK]', ''].join('\n'),
    );
    expect(formatRows('json', [row], SEARCH_HEADERS)).toBe('{"Description":"Busybox base image.","IsOfficial":"true","Name":"library/busybox","StarCount":"3200"}\n');
  });
});
