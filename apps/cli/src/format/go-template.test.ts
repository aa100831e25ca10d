import { describe, expect, it } from 'vitest';
import { goStruct } from './go-json.js';
import { FieldContext, renderTemplate, TemplateError } from './go-template.js';

const row = new FieldContext('*formatter.imageContext', {
  ID: () => 'd71fee34294c',
  Repository: () => 'hangar-test/app',
  Tag: () => '1.1',
  Digest: () => '<none>',
  CreatedSince: () => '',
});

describe('Go template subset', () => {
  it('prints fields and text', () => {
    expect(renderTemplate('{{.ID}} {{.Repository}}:{{.Tag}}', row)).toBe('d71fee34294c hangar-test/app:1.1');
  });

  it('json of the row: sorted keys, HTML escaped; json of a field: not escaped', () => {
    expect(renderTemplate('{{json .}}', row)).toBe('{"CreatedSince":"","Digest":"\\u003cnone\\u003e","ID":"d71fee34294c","Repository":"hangar-test/app","Tag":"1.1"}');
    expect(renderTemplate('{{json .Digest}}', row)).toBe('"<none>"');
  });

  it('if / else / end, as the default image table uses it', () => {
    expect(renderTemplate('{{if .CreatedSince }}{{.CreatedSince}}{{else}}N/A{{end}}', row)).toBe('N/A');
    expect(renderTemplate('{{if .Tag}}yes{{else if .ID}}id{{else}}no{{end}}', row)).toBe('yes');
    expect(renderTemplate('{{if .CreatedSince}}yes{{else if .ID}}id{{else}}no{{end}}', row)).toBe('id');
  });

  it('functions, pipes, parentheses, index, range', () => {
    expect(renderTemplate('{{upper .Tag}} {{.Repository | upper}} {{lower "ABC"}} {{title "hello world"}}', row)).toBe('1.1 HANGAR-TEST/APP abc Hello World');
    expect(renderTemplate('{{pad .Tag 1 2}}|{{truncate .ID 4}}|{{join (split .Repository "/") ","}}', row)).toBe(' 1.1  |d71f|hangar-test,app');
    const data = goStruct({ Config: goStruct({ Labels: { 'a.b': 'x', c: 'y' }, Cmd: ['sleep', '3600'], Env: null }) });
    expect(renderTemplate('{{index .Config.Labels "a.b"}} {{.Config.Cmd}} {{.Config.Labels}} {{json .Config.Labels}}', data)).toBe('x [sleep 3600] map[a.b:x c:y] {"a.b":"x","c":"y"}');
    expect(renderTemplate('{{range .Config.Cmd}}<{{.}}>{{end}}{{range .Config.Env}}x{{else}}none{{end}}', data)).toBe('<sleep><3600>none');
    expect(renderTemplate('{{.Config.Nope}}', goStruct({ Config: { a: 1 } }))).toBe('<no value>');
  });

  it('trims around {{- and -}}, ignores comments', () => {
    expect(renderTemplate('a  {{- .Tag -}}  b{{/* note */}}', row)).toBe('a1.1b');
  });

  it('header mode: the same template prints the column names', () => {
    expect(renderTemplate('{{.ID}}\t{{json .Repository}}\t{{upper .Tag}}\t{{if .CreatedSince}}{{.CreatedSince}}{{else}}N/A{{end}}', { ID: 'IMAGE ID', Repository: 'REPOSITORY', Tag: 'TAG', CreatedSince: 'CREATED' }, 'header')).toBe(
      'IMAGE ID\tREPOSITORY\tTAG\tCREATED',
    );
  });

  it("fails as Go does: unknown field of a row, unclosed action, unknown function", () => {
    expect(() => renderTemplate('{{.Nope}}', row)).toThrow('template: :1:2: executing "" at <.Nope>: can\'t evaluate field Nope in type *formatter.imageContext');
    expect(() => renderTemplate('{{.ID', row)).toThrow('template: :1: unclosed action');
    expect(() => renderTemplate('{{frob .ID}}', row)).toThrow('function "frob" not defined');
    expect(() => renderTemplate('{{if .ID}}x', row)).toThrow(TemplateError);
    expect(() => renderTemplate('{{end}}', row)).toThrow(TemplateError);
  });
});
