// A subset of Go's text/template, with docker's template functions, for `--format`:
//   {{.Field}}  {{.A.B}}  {{.}}  {{json .}}  {{json .Field}}  {{upper .X}}  {{.X | lower}}  {{index .Labels "k"}}
//   {{if .X}}…{{else if .Y}}…{{else}}…{{end}}  {{range .List}}…{{else}}…{{end}}  {{- trim -}}  {{/* comment */}}
// Values print as Go's fmt %v does (lists as [a b], maps as map[k:v]). A field a row does not have is an error, as
// on docker's Go structs; a missing map key prints <no value>.

import { goJson, isGoStruct } from './go-json.js';

export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = this.constructor.name;
  }
}

/** A row as docker's formatter sees it: named fields (Go methods) computed on demand. */
export class FieldContext {
  constructor(
    /** Shown in errors, like Go's `*formatter.imageContext`. */
    readonly typeName: string,
    readonly fields: Readonly<Record<string, () => unknown>>,
    /** The fields as `{{json .}}` marshals them, when they differ (docker search prints booleans as true/false there). */
    readonly jsonFields?: Readonly<Record<string, () => unknown>>,
  ) {}

  has(name: string): boolean {
    return Object.hasOwn(this.fields, name);
  }

  get(name: string): unknown {
    return this.fields[name]!();
  }

  /** `{{json .}}`: every field, keys sorted (docker marshals a map of the row's methods). */
  toJsonObject(): Record<string, unknown> {
    const source = this.jsonFields ?? this.fields;
    return Object.fromEntries(Object.keys(source).map((key) => [key, source[key]!()]));
  }
}

type Operand =
  | { kind: 'field'; path: string[]; pos: Position }
  | { kind: 'dot' }
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'nil' }
  | { kind: 'ident'; name: string; pos: Position }
  | { kind: 'pipeline'; pipeline: Pipeline };

type Command = Operand[];
type Pipeline = Command[];

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'action'; pipeline: Pipeline }
  | { kind: 'if'; pipeline: Pipeline; then: Node[]; otherwise: Node[] }
  | { kind: 'range'; pipeline: Pipeline; body: Node[]; otherwise: Node[] };

interface Position {
  line: number;
  column: number;
}

export interface Template {
  readonly source: string;
  readonly nodes: readonly Node[];
}

// ---------------------------------------------------------------------------------------------- parsing

interface RawAction {
  kind: 'text' | 'action';
  text: string;
  pos: Position;
}

function positionAt(source: string, offset: number): Position {
  const before = source.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - (before.lastIndexOf('\n') + 1) };
}

/** Splits the source into text and action pieces, applying `{{-` and `-}}` trimming. */
function split(source: string): RawAction[] {
  const pieces: RawAction[] = [];
  let index = 0;
  let trimNext = false;
  while (index < source.length) {
    const open = source.indexOf('{{', index);
    let text = open === -1 ? source.slice(index) : source.slice(index, open);
    if (trimNext) text = text.replace(/^\s+/, '');
    trimNext = false;
    if (open === -1) {
      if (text) pieces.push({ kind: 'text', text, pos: positionAt(source, index) });
      break;
    }
    let start = open + 2;
    const trimBefore = source.startsWith('- ', start) || source.startsWith('-\t', start) || source.startsWith('-\n', start);
    if (trimBefore) {
      text = text.replace(/\s+$/, '');
      start += 1;
    }
    if (text) pieces.push({ kind: 'text', text, pos: positionAt(source, index) });
    const close = findClose(source, start);
    if (close === -1) throw new TemplateError(`template: :${positionAt(source, open).line}: unclosed action`);
    let end = close;
    if (source[close - 1] === '-' && /\s/.test(source[close - 2] ?? '')) {
      trimNext = true;
      end = close - 1;
    }
    pieces.push({ kind: 'action', text: source.slice(start, end), pos: positionAt(source, start) });
    index = close + 2;
  }
  return pieces;
}

/** The `}}` closing an action, skipping quoted strings. */
function findClose(source: string, from: number): number {
  let i = from;
  while (i < source.length) {
    const char = source[i];
    if (char === '"') {
      i++;
      while (i < source.length && source[i] !== '"') i += source[i] === '\\' ? 2 : 1;
      i++;
    } else if (char === '`') {
      i = source.indexOf('`', i + 1);
      if (i === -1) return -1;
      i++;
    } else if (char === '}' && source[i + 1] === '}') return i;
    else if (char === '\n' && !source.slice(from, i).trimStart().startsWith('/*')) return -1;
    else i++;
  }
  return -1;
}

type Token =
  | { kind: 'field'; path: string[]; pos: Position }
  | { kind: 'dot' }
  | { kind: 'ident'; name: string; pos: Position }
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'pipe' }
  | { kind: 'open' }
  | { kind: 'close' };

const GO_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', a: '\x07', b: '\b', f: '\f', v: '\v', '0': '\0' };

function tokenize(text: string, pos: Position): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const at = (offset: number): Position => ({ line: pos.line, column: pos.column + offset });
  while (i < text.length) {
    const char = text[i]!;
    if (/\s/.test(char)) {
      i++;
    } else if (char === '|') {
      tokens.push({ kind: 'pipe' });
      i++;
    } else if (char === '(') {
      tokens.push({ kind: 'open' });
      i++;
    } else if (char === ')') {
      tokens.push({ kind: 'close' });
      i++;
    } else if (char === '.') {
      const match = /^(?:\.[A-Za-z_][A-Za-z0-9_]*)+/.exec(text.slice(i));
      if (match) {
        tokens.push({ kind: 'field', path: match[0].slice(1).split('.'), pos: at(i) });
        i += match[0].length;
      } else {
        tokens.push({ kind: 'dot' });
        i++;
      }
    } else if (char === '"') {
      let value = '';
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\') {
          const escaped = GO_ESCAPES[text[i + 1] ?? ''];
          if (escaped === undefined) throw new TemplateError(`template: :${pos.line}: unknown escape sequence \\${text[i + 1] ?? ''}`);
          value += escaped;
          i += 2;
        } else value += text[i++];
      }
      if (text[i] !== '"') throw new TemplateError(`template: :${pos.line}: unterminated quoted string`);
      tokens.push({ kind: 'string', value });
      i++;
    } else if (char === '`') {
      const end = text.indexOf('`', i + 1);
      if (end === -1) throw new TemplateError(`template: :${pos.line}: unterminated raw quoted string`);
      tokens.push({ kind: 'string', value: text.slice(i + 1, end) });
      i = end + 1;
    } else if (/[-+0-9]/.test(char)) {
      const match = /^[-+]?\d+(\.\d+)?/.exec(text.slice(i));
      if (!match) throw new TemplateError(`template: :${pos.line}: bad number syntax: ${JSON.stringify(text.slice(i, i + 5))}`);
      tokens.push({ kind: 'number', value: Number(match[0]) });
      i += match[0].length;
    } else if (/[A-Za-z_]/.test(char)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))!;
      tokens.push({ kind: 'ident', name: match[0], pos: at(i) });
      i += match[0].length;
    } else {
      throw new TemplateError(`template: :${pos.line}: unexpected ${JSON.stringify(char)} in command`);
    }
  }
  return tokens;
}

function parsePipeline(tokens: Token[], state: { i: number }, line: number, nested: boolean): Pipeline {
  const pipeline: Pipeline = [];
  let command: Command = [];
  while (state.i < tokens.length) {
    const token = tokens[state.i]!;
    if (token.kind === 'close') {
      if (!nested) throw new TemplateError(`template: :${line}: unexpected ")" in operand`);
      break;
    }
    state.i++;
    switch (token.kind) {
      case 'pipe':
        if (command.length === 0) throw new TemplateError(`template: :${line}: missing command before |`);
        pipeline.push(command);
        command = [];
        break;
      case 'open': {
        const inner = parsePipeline(tokens, state, line, true);
        if (tokens[state.i]?.kind !== 'close') throw new TemplateError(`template: :${line}: unclosed left paren`);
        state.i++;
        command.push({ kind: 'pipeline', pipeline: inner });
        break;
      }
      case 'ident':
        if (token.name === 'true' || token.name === 'false') command.push({ kind: 'bool', value: token.name === 'true' });
        else if (token.name === 'nil') command.push({ kind: 'nil' });
        else command.push({ kind: 'ident', name: token.name, pos: token.pos });
        break;
      default:
        command.push(token);
    }
  }
  if (command.length === 0) throw new TemplateError(`template: :${line}: missing value for command`);
  pipeline.push(command);
  return pipeline;
}

/** Parses a Go template; throws TemplateError with Go's wording for malformed input. */
export function parseTemplate(source: string): Template {
  const pieces = split(source);
  let index = 0;

  type Stop = 'end' | 'else' | 'eof';
  const parseList = (): { nodes: Node[]; stop: Stop; elsePipeline?: Pipeline } => {
    const nodes: Node[] = [];
    while (index < pieces.length) {
      const piece = pieces[index++]!;
      if (piece.kind === 'text') {
        nodes.push({ kind: 'text', text: piece.text });
        continue;
      }
      const text = piece.text.trim();
      if (text.startsWith('/*')) {
        if (!text.endsWith('*/')) throw new TemplateError(`template: :${piece.pos.line}: unclosed comment`);
        continue;
      }
      const tokens = tokenize(piece.text, piece.pos);
      const first = tokens[0];
      if (!first) throw new TemplateError(`template: :${piece.pos.line}: missing value for command`);
      if (first.kind === 'ident' && first.name === 'end') return { nodes, stop: 'end' };
      if (first.kind === 'ident' && first.name === 'else') {
        const rest = tokens.slice(1);
        if (rest[0]?.kind === 'ident' && rest[0].name === 'if') return { nodes, stop: 'else', elsePipeline: parsePipeline(rest, { i: 1 }, piece.pos.line, false) };
        return { nodes, stop: 'else' };
      }
      if (first.kind === 'ident' && (first.name === 'if' || first.name === 'range')) {
        const pipeline = parsePipeline(tokens, { i: 1 }, piece.pos.line, false);
        nodes.push(parseBlock(first.name, pipeline, piece.pos.line));
        continue;
      }
      nodes.push({ kind: 'action', pipeline: parsePipeline(tokens, { i: 0 }, piece.pos.line, false) });
    }
    return { nodes, stop: 'eof' };
  };

  const parseBlock = (keyword: 'if' | 'range', pipeline: Pipeline, line: number): Node => {
    const body = parseList();
    let otherwise: Node[] = [];
    if (body.stop === 'eof') throw new TemplateError(`template: :${line}: unexpected EOF`);
    if (body.stop === 'else') {
      if (body.elsePipeline) {
        // {{else if x}} … is {{else}}{{if x}} … {{end}}{{end}}, sharing the one {{end}}.
        otherwise = [parseBlock('if', body.elsePipeline, line)];
      } else {
        const rest = parseList();
        if (rest.stop !== 'end') throw new TemplateError(`template: :${line}: expected end; found ${rest.stop === 'else' ? '{{else}}' : 'EOF'}`);
        otherwise = rest.nodes;
      }
    }
    return keyword === 'if' ? { kind: 'if', pipeline, then: body.nodes, otherwise } : { kind: 'range', pipeline, body: body.nodes, otherwise };
  };

  const result = parseList();
  if (result.stop === 'end') throw new TemplateError('template: :1: unexpected {{end}}');
  if (result.stop === 'else') throw new TemplateError('template: :1: unexpected {{else}}');
  return { source, nodes: result.nodes };
}

// -------------------------------------------------------------------------------------------- executing

/** Go's fmt %v. */
export function goPrint(value: unknown): string {
  if (value === undefined) return '<no value>';
  if (value === null) return '<nil>';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return `[${value.map(goPrint).join(' ')}]`;
  if (value instanceof FieldContext) return `{${Object.keys(value.fields).map((key) => goPrint(value.get(key))).join(' ')}}`;
  if (typeof value === 'object') {
    if (isGoStruct(value)) return `{${Object.values(value).map(goPrint).join(' ')}}`;
    const keys = Object.keys(value).sort();
    return `map[${keys.map((key) => `${key}:${goPrint((value as Record<string, unknown>)[key])}`).join(' ')}]`;
  }
  return String(value);
}

function truthy(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object' && !(value instanceof FieldContext) && !isGoStruct(value)) return Object.keys(value).length > 0;
  return true;
}

type TemplateFunction = (...args: unknown[]) => unknown;

const asString = (value: unknown): string => (typeof value === 'string' ? value : goPrint(value));

/** docker's template functions (templates.basicFunctions) and the Go builtins a format needs. */
const BASIC_FUNCTIONS: Record<string, TemplateFunction> = {
  json: (value) => (value instanceof FieldContext ? goJson(value.toJsonObject(), { escapeHtml: true }) : goJson(value, { escapeHtml: false })),
  split: (value, sep) => asString(value).split(asString(sep)),
  join: (value, sep) => (Array.isArray(value) ? value.map(asString).join(asString(sep)) : asString(value)),
  title: (value) => asString(value).replace(/(^|[^\p{L}\p{N}_'])(\p{L})/gu, (_m, before: string, letter: string) => before + letter.toUpperCase()),
  lower: (value) => asString(value).toLowerCase(),
  upper: (value) => asString(value).toUpperCase(),
  pad: (value, prefix, suffix) => {
    const text = asString(value);
    return text === '' ? text : ' '.repeat(Number(prefix)) + text + ' '.repeat(Number(suffix));
  },
  truncate: (value, length) => {
    const text = asString(value);
    return text.length < Number(length) ? text : text.slice(0, Number(length));
  },
  index: (value, ...keys) => {
    let current: unknown = value;
    for (const key of keys) {
      if (Array.isArray(current)) current = current[Number(key)];
      else if (current instanceof FieldContext) current = current.has(asString(key)) ? current.get(asString(key)) : undefined;
      else if (current !== null && typeof current === 'object') current = (current as Record<string, unknown>)[asString(key)];
      else return undefined;
    }
    return current;
  },
  len: (value) => (Array.isArray(value) || typeof value === 'string' ? value.length : value !== null && typeof value === 'object' ? Object.keys(value).length : 0),
  not: (value) => !truthy(value),
  and: (...values) => values.find((value) => !truthy(value)) ?? values[values.length - 1],
  or: (...values) => values.find((value) => truthy(value)) ?? values[values.length - 1],
  eq: (a, ...others) => others.some((b) => a === b),
  ne: (a, b) => a !== b,
  print: (...values) => values.map(asString).join(''),
  println: (...values) => `${values.map(asString).join(' ')}\n`,
};

/** docker's templates.HeaderFunctions: in a table header these print their argument unchanged. */
const HEADER_FUNCTIONS: Record<string, TemplateFunction> = {
  ...BASIC_FUNCTIONS,
  json: (value) => value,
  split: (value) => value,
  join: (value) => value,
  title: (value) => value,
  lower: (value) => value,
  upper: (value) => value,
  truncate: (value) => value,
};

export type TemplateMode = 'row' | 'header';

function fieldOf(value: unknown, name: string, pos: Position, shown: string): unknown {
  if (value instanceof FieldContext) {
    if (!value.has(name)) throw new TemplateError(`template: :${pos.line}:${pos.column}: executing "" at <${shown}>: can't evaluate field ${name} in type ${value.typeName}`);
    return value.get(name);
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    if (isGoStruct(value) && !Object.hasOwn(value, name)) throw new TemplateError(`template: :${pos.line}:${pos.column}: executing "" at <${shown}>: can't evaluate field ${name}`);
    return (value as Record<string, unknown>)[name];
  }
  if (value === undefined || value === null) return undefined;
  throw new TemplateError(`template: :${pos.line}:${pos.column}: executing "" at <${shown}>: can't evaluate field ${name} in type ${Array.isArray(value) ? 'slice' : typeof value}`);
}

function evaluatePipeline(pipeline: Pipeline, dot: unknown, functions: Record<string, TemplateFunction>): unknown {
  let piped: unknown;
  let hasPiped = false;
  for (const command of pipeline) {
    piped = evaluateCommand(command, dot, functions, hasPiped ? [piped] : []);
    hasPiped = true;
  }
  return piped;
}

function evaluateOperand(operand: Operand, dot: unknown, functions: Record<string, TemplateFunction>): unknown {
  switch (operand.kind) {
    case 'dot':
      return dot;
    case 'string':
    case 'number':
    case 'bool':
      return operand.value;
    case 'nil':
      return null;
    case 'pipeline':
      return evaluatePipeline(operand.pipeline, dot, functions);
    case 'field': {
      let value = dot;
      operand.path.forEach((name, i) => {
        value = fieldOf(value, name, operand.pos, `.${operand.path.slice(0, i + 1).join('.')}`);
      });
      return value;
    }
    case 'ident':
      throw new TemplateError(`template: :${operand.pos.line}:${operand.pos.column}: executing "" at <${operand.name}>: ${operand.name} is not a value`);
  }
}

function evaluateCommand(command: Command, dot: unknown, functions: Record<string, TemplateFunction>, piped: unknown[]): unknown {
  const [head, ...rest] = command;
  if (head?.kind === 'ident') {
    const fn = functions[head.name];
    if (!fn) throw new TemplateError(`template: :${head.pos.line}: function "${head.name}" not defined`);
    return fn(...rest.map((operand) => evaluateOperand(operand, dot, functions)), ...piped);
  }
  if (rest.length > 0 || piped.length > 0) throw new TemplateError(`template: can't give argument to non-function ${head?.kind === 'field' ? `.${head.path.join('.')}` : 'value'}`);
  return evaluateOperand(head!, dot, functions);
}

function executeNodes(nodes: readonly Node[], dot: unknown, functions: Record<string, TemplateFunction>): string {
  let out = '';
  for (const node of nodes) {
    switch (node.kind) {
      case 'text':
        out += node.text;
        break;
      case 'action':
        out += goPrint(evaluatePipeline(node.pipeline, dot, functions));
        break;
      case 'if':
        out += executeNodes(truthy(evaluatePipeline(node.pipeline, dot, functions)) ? node.then : node.otherwise, dot, functions);
        break;
      case 'range': {
        const value = evaluatePipeline(node.pipeline, dot, functions);
        const items = Array.isArray(value) ? value : value !== null && typeof value === 'object' ? Object.keys(value).sort().map((key) => (value as Record<string, unknown>)[key]) : [];
        out += items.length === 0 ? executeNodes(node.otherwise, dot, functions) : items.map((item) => executeNodes(node.body, item, functions)).join('');
        break;
      }
    }
  }
  return out;
}

/** Runs a parsed template on one value; `header` mode uses docker's header functions (json, upper … print their argument). */
export function executeTemplate(template: Template, data: unknown, mode: TemplateMode = 'row'): string {
  return executeNodes(template.nodes, data, mode === 'header' ? HEADER_FUNCTIONS : BASIC_FUNCTIONS);
}

/** Parses and runs a template in one go. */
export function renderTemplate(source: string, data: unknown, mode: TemplateMode = 'row'): string {
  return executeTemplate(parseTemplate(source), data, mode);
}
