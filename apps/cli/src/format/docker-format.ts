import { executeTemplate, parseTemplate, type FieldContext } from './go-template.js';
import { DOCKER_TABLE, tabwrite } from './tabwriter.js';

/** `--format` keys docker knows besides templates. */
export const TABLE_FORMAT = 'table';
export const JSON_FORMAT = 'json';

export function isTableFormat(format: string): boolean {
  return format.startsWith(TABLE_FORMAT);
}

/**
 * docker's Format.templateString: `json` is `{{json .}}`, a `table` prefix goes, surrounding spaces are trimmed
 * and the two-character sequences `\t` and `\n` become a tab and a newline.
 */
export function templateString(format: string): string {
  if (format === TABLE_FORMAT) return '';
  if (format === JSON_FORMAT) return '{{json .}}';
  let out = isTableFormat(format) ? format.slice(TABLE_FORMAT.length) : format;
  out = out.replace(/^ +| +$/g, '');
  return out.replace(/\\t|\\n/g, (escape) => (escape === '\\t' ? '\t' : '\n'));
}

/**
 * What docker's formatter.Context.Write prints for rows: each row through the template and a newline; for a
 * table format, a header row (the same template run on the column names) and everything aligned by docker's
 * table writer.
 */
export function formatRows(format: string, rows: readonly FieldContext[], headers: Readonly<Record<string, string>>): string {
  const template = parseTemplate(templateString(format));
  const body = rows.map((row) => `${executeTemplate(template, row)}\n`).join('');
  if (!isTableFormat(format)) return body;
  return tabwrite(`${executeTemplate(template, headers, 'header')}\n${body}`, DOCKER_TABLE);
}
