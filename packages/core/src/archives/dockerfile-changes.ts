/**
 * Dockerfile instructions given as "changes" to `docker import --change` and `docker commit --change`, checked
 * before any engine sees them. The engine joins the changes with newlines and parses them as one Dockerfile, so a
 * change with a newline or a trailing line continuation could smuggle in or swallow another instruction: each
 * change must be exactly one instruction on one line.
 *
 * Pure: no I/O. The parsing follows moby/buildkit's Dockerfile parser (`parseWords`, `parseNameVal`,
 * `parseMaybeJSON`), and is stricter where the engine silently accepts nonsense (a bare `CMD`, `USER a b`, a
 * relative VOLUME, an `EXPOSE` port out of range), so a typo is an error with a reason instead of a broken image.
 * Variables (`$NAME`) are left as written: the engine expands them.
 */
import { HangarError } from '../errors/hangar-error.js';

/** What `docker import` and `docker commit` accept (their documented list). */
export const CHANGE_INSTRUCTIONS = ['CMD', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'LABEL', 'ONBUILD', 'USER', 'VOLUME', 'WORKDIR'] as const;
export type ChangeInstruction = (typeof CHANGE_INSTRUCTIONS)[number];

/** Every Dockerfile instruction, to tell "not allowed here" from "not an instruction" and to check ONBUILD triggers. */
const DOCKERFILE_INSTRUCTIONS = new Set([
  'ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'FROM', 'HEALTHCHECK', 'LABEL', 'MAINTAINER', 'ONBUILD', 'RUN',
  'SHELL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR',
]);

/** One change, parsed. Values keep `$VAR` references as written; quotes and escapes are removed. */
export type DockerfileChange =
  | { instruction: 'CMD' | 'ENTRYPOINT'; text: string; form: 'exec'; args: string[] }
  | { instruction: 'CMD' | 'ENTRYPOINT'; text: string; form: 'shell'; command: string }
  | { instruction: 'ENV' | 'LABEL'; text: string; pairs: [string, string][] }
  | { instruction: 'EXPOSE'; text: string; ports: string[] }
  | { instruction: 'USER' | 'WORKDIR'; text: string; value: string }
  | { instruction: 'VOLUME'; text: string; paths: string[] }
  | { instruction: 'ONBUILD'; text: string; trigger: string };

export class DockerfileChangeError extends Error {
  constructor(
    readonly change: string,
    readonly instruction: string | undefined,
    problem: string,
  ) {
    super(problem);
    this.name = this.constructor.name;
  }
}

export interface ChangeProblem {
  /** Position in the list, from 0. */
  index: number;
  change: string;
  instruction: string | undefined;
  message: string;
}

export interface ChangeCheckOptions {
  /** Instructions allowed (default CHANGE_INSTRUCTIONS). */
  allowed?: readonly string[];
  /** Name of the operation in messages: `docker import` (default), `docker commit`. */
  operation?: string;
}

function fail(change: string, instruction: string | undefined, problem: string): never {
  throw new DockerfileChangeError(change, instruction, problem);
}

/**
 * buildkit's `parseWords`: splits on white space outside quotes, keeping quotes and escapes in the words.
 * Reports an unterminated quote (the engine would fail later, when it expands the word).
 */
export function splitWords(rest: string): { words: string[]; unterminatedQuote: boolean } {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: string | undefined;
  let blankOk = false;
  const chars = [...rest];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"' && i + 1 < chars.length) {
        word += ch;
        i++;
        word += chars[i]!;
        continue;
      }
      word += ch;
      continue;
    }
    if (/\s/u.test(ch)) {
      if (inWord && (blankOk || word.length > 0)) words.push(word);
      inWord = false;
      word = '';
      blankOk = false;
      continue;
    }
    inWord = true;
    if (ch === "'" || ch === '"') {
      quote = ch;
      blankOk = true;
      word += ch;
      continue;
    }
    if (ch === '\\') {
      if (i + 1 === chars.length) continue;
      word += ch;
      i++;
      word += chars[i]!;
      continue;
    }
    word += ch;
  }
  if (inWord && (blankOk || word.length > 0)) words.push(word);
  return { words, unterminatedQuote: quote !== undefined };
}

/** Removes quotes and escapes the way the engine's shell lexer does (variables are left alone). */
export function unquoteWord(word: string): string {
  let out = '';
  const chars = [...word];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (ch === "'") {
      for (i++; i < chars.length && chars[i] !== "'"; i++) out += chars[i]!;
      continue;
    }
    if (ch === '"') {
      for (i++; i < chars.length && chars[i] !== '"'; i++) {
        const inner = chars[i]!;
        if (inner === '\\' && i + 1 < chars.length && ['"', '\\', '$'].includes(chars[i + 1]!)) {
          i++;
          out += chars[i]!;
        } else out += inner;
      }
      continue;
    }
    if (ch === '\\' && i + 1 < chars.length) {
      i++;
      out += chars[i]!;
      continue;
    }
    out += ch;
  }
  return out;
}

/** A JSON array of strings, or undefined when `rest` is not one (buildkit's `parseJSON`). */
function jsonStringArray(rest: string): string[] | undefined {
  if (!rest.startsWith('[')) return undefined;
  try {
    const value: unknown = JSON.parse(rest);
    return Array.isArray(value) && value.every((item) => typeof item === 'string') ? value : undefined;
  } catch {
    return undefined;
  }
}

/** ENV and LABEL: `NAME=value ...`, or the legacy `NAME value with spaces`. */
function nameValuePairs(change: string, instruction: 'ENV' | 'LABEL', rest: string): [string, string][] {
  const { words, unterminatedQuote } = splitWords(rest);
  if (unterminatedQuote) fail(change, instruction, `${instruction}: unterminated quote`);
  if (words.length === 0) fail(change, instruction, `${instruction} needs at least one name=value`);
  if (!words[0]!.includes('=')) {
    const parts = rest.split(/\s+/u);
    if (parts.length < 2) fail(change, instruction, `${instruction} ${parts[0]} has no value: write ${instruction} ${parts[0]}=value`);
    const name = unquoteWord(parts[0]!);
    return [[name, unquoteWord(rest.slice(parts[0]!.length).trim())]];
  }
  return words.map((word) => {
    if (!word.includes('=')) fail(change, instruction, `${instruction}: "${word}" is not of the form name=value`);
    const eq = word.indexOf('=');
    const name = unquoteWord(word.slice(0, eq));
    if (name === '') fail(change, instruction, `${instruction}: a name is empty in "${word}"`);
    return [name, unquoteWord(word.slice(eq + 1))] as [string, string];
  });
}

const PORT_RE = /^(\d{1,5})(?:-(\d{1,5}))?(?:\/([A-Za-z]+))?$/;

function exposedPorts(change: string, rest: string): string[] {
  const specs = rest.split(/\s+/u).filter(Boolean);
  if (specs.length === 0) fail(change, 'EXPOSE', 'EXPOSE needs at least one port: EXPOSE 80, EXPOSE 53/udp, EXPOSE 8000-8010/tcp');
  return specs.map((spec) => {
    const match = PORT_RE.exec(spec);
    if (!match) fail(change, 'EXPOSE', `EXPOSE: "${spec}" is not a port (PORT, PORT/PROTO or START-END/PROTO)`);
    const [, startText, endText, proto = 'tcp'] = match!;
    const start = Number(startText);
    const end = endText === undefined ? start : Number(endText);
    for (const port of [start, end]) {
      if (port < 1 || port > 65535) fail(change, 'EXPOSE', `EXPOSE: port ${port} in "${spec}" is out of range 1-65535`);
    }
    if (end < start) fail(change, 'EXPOSE', `EXPOSE: range "${spec}" ends before it starts`);
    const protocol = proto.toLowerCase();
    if (!['tcp', 'udp', 'sctp'].includes(protocol)) fail(change, 'EXPOSE', `EXPOSE: protocol "${proto}" in "${spec}" is not tcp, udp or sctp`);
    return `${endText === undefined ? start : `${start}-${end}`}/${protocol}`;
  });
}

function volumePaths(change: string, rest: string): string[] {
  const json = jsonStringArray(rest);
  if (rest.startsWith('[') && !json) fail(change, 'VOLUME', 'VOLUME: starts with "[" but is not a JSON array of strings');
  const paths = json ?? rest.split(/\s+/u).filter(Boolean);
  if (paths.length === 0) fail(change, 'VOLUME', 'VOLUME needs at least one path');
  for (const path of paths) {
    if (path.trim() === '') fail(change, 'VOLUME', 'VOLUME: a path is empty');
    if (!path.startsWith('/') && !path.startsWith('$')) fail(change, 'VOLUME', `VOLUME: "${path}" is not an absolute path`);
  }
  return paths;
}

function execOrShell(change: string, instruction: 'CMD' | 'ENTRYPOINT', rest: string): DockerfileChange {
  if (rest === '') {
    fail(change, instruction, `${instruction} needs a command: ${instruction} ["executable", "arg"] or ${instruction} command arg (${instruction} [] to clear it)`);
  }
  const json = jsonStringArray(rest);
  if (json) return { instruction, text: change, form: 'exec', args: json };
  if (rest.startsWith('[')) {
    fail(change, instruction, `${instruction}: starts with "[" but is not a JSON array of strings (use double quotes: ["sh", "-c", "..."])`);
  }
  return { instruction, text: change, form: 'shell', command: rest };
}

/** Parses one change and checks it; throws DockerfileChangeError with a reason naming the instruction. */
export function parseDockerfileChange(change: string, options: ChangeCheckOptions = {}): DockerfileChange {
  const allowed = options.allowed ?? CHANGE_INSTRUCTIONS;
  const operation = options.operation ?? 'docker import';
  if (typeof change !== 'string') return fail(String(change), undefined, 'a change must be a string');
  if (/[\r\n]/.test(change)) fail(change, undefined, 'a change is one instruction on one line (it contains a line break)');
  const text = change.trim();
  if (text === '') fail(change, undefined, 'empty change');
  if (text.startsWith('#')) fail(change, undefined, 'a comment is not a change');
  if (text.endsWith('\\')) fail(change, undefined, 'a change cannot end with "\\" (it would continue onto the next change)');
  const match = /^(\S+)(?:\s+([\s\S]*))?$/.exec(text)!;
  const keyword = match[1]!.toUpperCase();
  const rest = (match[2] ?? '').trim();
  if (!DOCKERFILE_INSTRUCTIONS.has(keyword)) {
    fail(change, undefined, `"${match[1]}" is not a Dockerfile instruction; ${operation} accepts ${allowed.join(', ')}`);
  }
  if (!allowed.includes(keyword)) fail(change, keyword, `${keyword} is not allowed; ${operation} accepts ${allowed.join(', ')}`);
  switch (keyword as ChangeInstruction) {
    case 'CMD':
    case 'ENTRYPOINT':
      return execOrShell(change, keyword as 'CMD' | 'ENTRYPOINT', rest);
    case 'ENV':
    case 'LABEL':
      return { instruction: keyword as 'ENV' | 'LABEL', text: change, pairs: nameValuePairs(change, keyword as 'ENV' | 'LABEL', rest) };
    case 'EXPOSE':
      return { instruction: 'EXPOSE', text: change, ports: exposedPorts(change, rest) };
    case 'USER': {
      if (rest === '') fail(change, 'USER', 'USER needs a user: USER name, USER uid, USER name:group');
      if (/\s/u.test(rest)) fail(change, 'USER', `USER takes exactly one user[:group], got "${rest}"`);
      if (rest.startsWith(':') || rest.endsWith(':')) fail(change, 'USER', `USER: "${rest}" has an empty user or group`);
      return { instruction: 'USER', text: change, value: rest };
    }
    case 'WORKDIR':
      if (rest === '') fail(change, 'WORKDIR', 'WORKDIR needs a path');
      return { instruction: 'WORKDIR', text: change, value: rest };
    case 'VOLUME':
      return { instruction: 'VOLUME', text: change, paths: volumePaths(change, rest) };
    case 'ONBUILD': {
      if (rest === '') fail(change, 'ONBUILD', 'ONBUILD needs an instruction to run later: ONBUILD RUN ..., ONBUILD COPY ...');
      const trigger = rest.split(/\s+/u)[0]!.toUpperCase();
      if (trigger === 'ONBUILD') fail(change, 'ONBUILD', 'ONBUILD ONBUILD is not allowed');
      if (trigger === 'FROM' || trigger === 'MAINTAINER') fail(change, 'ONBUILD', `${trigger} is not allowed as an ONBUILD trigger`);
      if (!DOCKERFILE_INSTRUCTIONS.has(trigger)) fail(change, 'ONBUILD', `ONBUILD: "${rest.split(/\s+/u)[0]}" is not a Dockerfile instruction`);
      if (rest.slice(trigger.length).trim() === '') fail(change, 'ONBUILD', `ONBUILD ${trigger} has no arguments`);
      return { instruction: 'ONBUILD', text: change, trigger: rest };
    }
  }
}

/** Checks every change; the problems name the change (by position and text) and the instruction. */
export function checkDockerfileChanges(changes: readonly string[], options: ChangeCheckOptions = {}): { changes: DockerfileChange[]; problems: ChangeProblem[] } {
  const parsed: DockerfileChange[] = [];
  const problems: ChangeProblem[] = [];
  changes.forEach((change, index) => {
    try {
      parsed.push(parseDockerfileChange(change, options));
    } catch (error) {
      if (!(error instanceof DockerfileChangeError)) throw error;
      problems.push({ index, change: String(change), instruction: error.instruction, message: error.message });
    }
  });
  return { changes: parsed, problems };
}

/** Describes the problems in one message: `change 2 ("RUN ls"): RUN is not allowed; ...`. */
export function describeChangeProblems(problems: readonly ChangeProblem[]): string {
  return problems.map((p) => `change ${p.index + 1} (${JSON.stringify(p.change)}): ${p.message}`).join('; ');
}

/** Throws a BAD_REQUEST HangarError naming every invalid change; returns the changes trimmed, as the engine gets them. */
export function assertDockerfileChanges(changes: readonly string[], options: ChangeCheckOptions = {}): string[] {
  const { problems } = checkDockerfileChanges(changes, options);
  if (problems.length > 0) throw new HangarError('BAD_REQUEST', `invalid change: ${describeChangeProblems(problems)}`);
  return changes.map((change) => change.trim());
}
