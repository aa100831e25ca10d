import { isWide } from './rune-width.js';

/**
 * docker's `formatter.Ellipsis`: cuts a string to `maxWidth` display columns, the last one being `…`
 * (CREATED BY in `docker history`, DESCRIPTION in `docker search`).
 */
export function ellipsis(text: string, maxWidth: number): string {
  if (maxWidth <= 0) return '';
  const runes = [...text];
  if (maxWidth === 1) return runes[0] ?? '';
  // Go compares byte length with rune count: pure ASCII takes the short way.
  if (runes.every((rune) => rune.codePointAt(0)! < 0x80)) {
    return runes.length <= maxWidth ? text : `${runes.slice(0, maxWidth - 1).join('')}…`;
  }
  const display: number[] = [];
  let width = 0;
  for (const rune of runes) {
    width += isWide(rune.codePointAt(0)!) ? 2 : 1;
    display.push(width);
  }
  if (width <= maxWidth) return text;
  for (let i = 0; i < display.length - 1; i++) {
    if (display[i]! <= maxWidth - 1 && display[i + 1]! > maxWidth - 1) return `${runes.slice(0, i + 1).join('')}…`;
  }
  return text;
}
