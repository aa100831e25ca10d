import { describe, expect, it } from 'vitest';
import { tabwrite } from './tabwriter.js';

describe("docker's table writer (minwidth 10, padding 3)", () => {
  it('pads every column but the last to its widest cell plus 3, at least 10', () => {
    const input = 'REPOSITORY\tTAG\tIMAGE ID\tCREATED\tSIZE\nhangar-test/app\t1.1\td71fee34294c\t8 seconds ago\t1.99MB\n<none>\t<none>\t0ebf35f138e3\t14 seconds ago\t1.98MB\n';
    expect(tabwrite(input)).toBe(
      [
        'REPOSITORY        TAG       IMAGE ID       CREATED          SIZE',
        'hangar-test/app   1.1       d71fee34294c   8 seconds ago    1.99MB',
        '<none>            <none>    0ebf35f138e3   14 seconds ago   1.98MB',
        '',
      ].join('\n'),
    );
  });

  it('keeps trailing padding before an empty last cell, as docker history does', () => {
    expect(tabwrite('IMAGE\tSIZE\tCOMMENT\nabc\t0B\t\n')).toBe('IMAGE     SIZE      COMMENT\nabc       0B        \n');
  });

  it('prints lines without tabs as they are', () => {
    expect(tabwrite('IMAGE ID REPOSITORY:TAG\nd71fee34294c hangar-test/app:1.1\n')).toBe('IMAGE ID REPOSITORY:TAG\nd71fee34294c hangar-test/app:1.1\n');
  });

  it('a line without tabs ends a column block: the lines after it are aligned on their own', () => {
    expect(tabwrite('a\tb\nlonger-cell\tc\nplain line\nx\ty\n')).toBe('a             b\nlonger-cell   c\nplain line\nx         y\n');
  });

  it('counts wide characters as two columns', () => {
    expect(tabwrite('名前\tX\nab\tY\n')).toBe('名前      X\nab        Y\n');
    expect(tabwrite('镜像镜像镜像镜像\tX\nab\tY\n')).toBe('镜像镜像镜像镜像   X\nab                 Y\n');
  });

  it('writes a last line without a newline as it is', () => {
    expect(tabwrite('a\tb\nc')).toBe('a         b\nc');
  });
});
