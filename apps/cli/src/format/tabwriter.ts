import { stringWidth } from './rune-width.js';

/**
 * docker's table writer (its fork of Go's text/tabwriter, elastic tabstops), as `docker … ls` uses it:
 * `NewWriter(out, 10, 1, 3, ' ', 0)`. Cells end at a tab; a column's width is the widest cell of the block of
 * consecutive lines that have that column, plus padding, at least `minWidth`. The last cell of a line is in no
 * column, and a line without any tab flushes what came before (so lines without tabs are printed as they are).
 */
export interface TabWriterOptions {
  minWidth: number;
  padding: number;
}

export const DOCKER_TABLE: TabWriterOptions = { minWidth: 10, padding: 3 };

interface Cell {
  text: string;
  width: number;
}

export function tabwrite(input: string, { minWidth, padding }: TabWriterOptions = DOCKER_TABLE): string {
  let out = '';
  let lines: Cell[][] = [[]];
  let current = '';
  const widths: number[] = [];

  const writeLines = (line0: number, line1: number) => {
    for (let i = line0; i < line1; i++) {
      const line = lines[i]!;
      line.forEach((cell, j) => {
        out += cell.text;
        if (j < widths.length) out += ' '.repeat(widths[j]! - cell.width);
      });
      // The last buffered line has no newline yet: its pending text is written by flush.
      if (i + 1 === lines.length) out += current;
      else out += '\n';
    }
  };

  const format = (line0: number, line1: number): number => {
    const column = widths.length;
    for (let row = line0; row < line1; row++) {
      if (column >= lines[row]!.length - 1) continue;
      // This line has a cell in this column: a column block starts here.
      writeLines(line0, row);
      line0 = row;
      let width = minWidth;
      for (; row < line1; row++) {
        const line = lines[row]!;
        if (column >= line.length - 1) break;
        width = Math.max(width, line[column]!.width + padding);
      }
      widths.push(width);
      format(line0, row);
      widths.pop();
      line0 = row;
      row--; // the for loop's increment resumes at `row`
    }
    writeLines(line0, line1);
    return line1;
  };

  const flush = () => {
    if (current.length > 0) {
      lines[lines.length - 1]!.push({ text: current, width: stringWidth(current) });
      current = '';
    }
    format(0, lines.length);
    lines = [[]];
  };

  for (const char of input) {
    if (char !== '\t' && char !== '\n') {
      current += char;
      continue;
    }
    const line = lines[lines.length - 1]!;
    line.push({ text: current, width: stringWidth(current) });
    current = '';
    if (char === '\n') {
      const cells = line.length;
      lines.push([]);
      if (cells === 1) flush();
    }
  }
  flush();
  return out;
}
