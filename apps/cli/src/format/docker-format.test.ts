import { describe, expect, it } from 'vitest';
import { formatRows, templateString } from './docker-format.js';
import { FieldContext } from './go-template.js';

const headers = { ID: 'IMAGE ID', Repository: 'REPOSITORY', Tag: 'TAG' };
const rows = [
  new FieldContext('row', { ID: () => 'd71fee34294c', Repository: () => 'hangar-test/app', Tag: () => '1.1' }),
  new FieldContext('row', { ID: () => '0ebf35f138e3', Repository: () => '<none>', Tag: () => '<none>' }),
];

describe("docker's --format handling", () => {
  it('turns json into {{json .}}, drops the table prefix, trims spaces and reads \\t and \\n', () => {
    expect(templateString('json')).toBe('{{json .}}');
    expect(templateString('table {{.ID}}\\t{{.Tag}} ')).toBe('{{.ID}}\t{{.Tag}}');
    expect(templateString('{{.ID}}\\n')).toBe('{{.ID}}\n');
  });

  it('a table format gets a header row and alignment', () => {
    expect(formatRows('table {{.ID}}\t{{.Repository}}\t{{.Tag}}', rows, headers)).toBe(
      'IMAGE ID       REPOSITORY        TAG\nd71fee34294c   hangar-test/app   1.1\n0ebf35f138e3   <none>            <none>\n',
    );
  });

  it('a plain template prints one line per row, no header; nothing for no rows', () => {
    expect(formatRows('{{.ID}} {{.Repository}}:{{.Tag}}', rows, headers)).toBe('d71fee34294c hangar-test/app:1.1\n0ebf35f138e3 <none>:<none>\n');
    expect(formatRows('{{.ID}}', [], headers)).toBe('');
  });

  it('a table with no rows still prints its header', () => {
    expect(formatRows('table {{.ID}}\t{{.Tag}}', [], headers)).toBe('IMAGE ID   TAG\n');
  });
});
