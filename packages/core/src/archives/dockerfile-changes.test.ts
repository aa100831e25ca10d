import { describe, expect, it } from 'vitest';
import { HangarError } from '../errors/hangar-error.js';
import {
  assertDockerfileChanges,
  checkDockerfileChanges,
  describeChangeProblems,
  parseDockerfileChange,
  splitWords,
  unquoteWord,
} from './dockerfile-changes.js';

describe('parseDockerfileChange: accepted', () => {
  it('CMD and ENTRYPOINT in exec form (JSON) and shell form', () => {
    expect(parseDockerfileChange('CMD ["sleep", "3600"]')).toMatchObject({ instruction: 'CMD', form: 'exec', args: ['sleep', '3600'] });
    expect(parseDockerfileChange('cmd []')).toMatchObject({ instruction: 'CMD', form: 'exec', args: [] });
    expect(parseDockerfileChange('ENTRYPOINT /bin/sh -c "echo hi"')).toMatchObject({ instruction: 'ENTRYPOINT', form: 'shell', command: '/bin/sh -c "echo hi"' });
  });

  it('ENV and LABEL: name=value pairs with quotes and escapes, and the legacy "NAME value" form', () => {
    expect(parseDockerfileChange('ENV A=1 B="two words" C=\'single $x\' D=a\\ b')).toMatchObject({
      pairs: [['A', '1'], ['B', 'two words'], ['C', 'single $x'], ['D', 'a b']],
    });
    expect(parseDockerfileChange('ENV PATH /usr/local/bin:/bin')).toMatchObject({ pairs: [['PATH', '/usr/local/bin:/bin']] });
    expect(parseDockerfileChange('ENV GREETING hello big world')).toMatchObject({ pairs: [['GREETING', 'hello big world']] });
    expect(parseDockerfileChange('LABEL org.opencontainers.image.title="my app" team=web')).toMatchObject({
      instruction: 'LABEL',
      pairs: [['org.opencontainers.image.title', 'my app'], ['team', 'web']],
    });
    expect(parseDockerfileChange('LABEL "quoted key"=v empty=')).toMatchObject({ pairs: [['quoted key', 'v'], ['empty', '']] });
  });

  it('EXPOSE: ports, ranges and protocols, normalised', () => {
    expect(parseDockerfileChange('EXPOSE 80 443/TCP 53/udp 8000-8010/sctp')).toMatchObject({ ports: ['80/tcp', '443/tcp', '53/udp', '8000-8010/sctp'] });
  });

  it('USER, WORKDIR, VOLUME, ONBUILD', () => {
    expect(parseDockerfileChange('USER nobody:nogroup')).toMatchObject({ instruction: 'USER', value: 'nobody:nogroup' });
    expect(parseDockerfileChange('USER 65534')).toMatchObject({ value: '65534' });
    expect(parseDockerfileChange('WORKDIR /srv/my app')).toMatchObject({ instruction: 'WORKDIR', value: '/srv/my app' });
    expect(parseDockerfileChange('VOLUME /data /cache')).toMatchObject({ paths: ['/data', '/cache'] });
    expect(parseDockerfileChange('VOLUME ["/var/lib/x"]')).toMatchObject({ paths: ['/var/lib/x'] });
    expect(parseDockerfileChange('ONBUILD RUN echo built')).toMatchObject({ instruction: 'ONBUILD', trigger: 'RUN echo built' });
    expect(parseDockerfileChange('onbuild copy . /app')).toMatchObject({ trigger: 'copy . /app' });
  });

  it('surrounding white space is trimmed for the engine', () => {
    expect(assertDockerfileChanges(['  CMD ["sh"]  ', 'ENV A=b'])).toEqual(['CMD ["sh"]', 'ENV A=b']);
  });
});

describe('parseDockerfileChange: refused, with a reason naming the instruction', () => {
  it.each([
    ['RUN ls', /RUN is not allowed; docker import accepts CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, USER, VOLUME, WORKDIR/],
    ['HEALTHCHECK CMD true', /HEALTHCHECK is not allowed/],
    ['STOPSIGNAL SIGKILL', /STOPSIGNAL is not allowed/],
    ['FROM busybox', /FROM is not allowed/],
    ['COPY a b', /COPY is not allowed/],
    ['CMDX ls', /"CMDX" is not a Dockerfile instruction/],
    ['', /empty change/],
    ['   ', /empty change/],
    ['# CMD ls', /comment/],
    ['ENV A=b\nRUN rm -rf /', /one line/],
    ['ENV A=b\r', /one line/],
    ['ENV A=b \\', /cannot end with "\\"/],
    ['CMD', /CMD needs a command/],
    ['CMD [sh, -c]', /CMD: starts with "\[" but is not a JSON array of strings/],
    ["ENTRYPOINT ['sh']", /ENTRYPOINT: starts with "\[" but is not a JSON array/],
    ['ENV', /ENV needs at least one name=value/],
    ['ENV A', /ENV A has no value: write ENV A=value/],
    ['ENV A=1 B', /ENV: "B" is not of the form name=value/],
    ['ENV =1', /a name is empty/],
    ['ENV A="unterminated', /ENV: unterminated quote/],
    ['LABEL', /LABEL needs at least one/],
    ['LABEL team', /LABEL team has no value/],
    ['EXPOSE', /EXPOSE needs at least one port/],
    ['EXPOSE http', /EXPOSE: "http" is not a port/],
    ['EXPOSE 80/foo', /protocol "foo" in "80\/foo" is not tcp, udp or sctp/],
    ['EXPOSE 0', /port 0 in "0" is out of range/],
    ['EXPOSE 70000', /port 70000 .* out of range/],
    ['EXPOSE 90-80', /ends before it starts/],
    ['USER', /USER needs a user/],
    ['USER a b', /USER takes exactly one user\[:group\]/],
    ['USER a:', /empty user or group/],
    ['WORKDIR', /WORKDIR needs a path/],
    ['VOLUME', /VOLUME needs at least one path/],
    ['VOLUME data', /VOLUME: "data" is not an absolute path/],
    ['VOLUME ["/a", 1]', /VOLUME: starts with "\[" but is not a JSON array/],
    ['ONBUILD', /ONBUILD needs an instruction/],
    ['ONBUILD ONBUILD RUN ls', /ONBUILD ONBUILD is not allowed/],
    ['ONBUILD FROM x', /FROM is not allowed as an ONBUILD trigger/],
    ['ONBUILD MAINTAINER me', /MAINTAINER is not allowed as an ONBUILD trigger/],
    ['ONBUILD BOGUS x', /ONBUILD: "BOGUS" is not a Dockerfile instruction/],
    ['ONBUILD RUN', /ONBUILD RUN has no arguments/],
  ])('%j', (change, why) => {
    expect(() => parseDockerfileChange(change)).toThrow(why);
  });

  it('names the operation and honours a custom allowed list', () => {
    expect(() => parseDockerfileChange('ENV A=b', { allowed: ['CMD'], operation: 'docker commit' })).toThrow('ENV is not allowed; docker commit accepts CMD');
  });
});

describe('checkDockerfileChanges / assertDockerfileChanges', () => {
  it('reports every problem with its position and instruction, and keeps the good ones', () => {
    const { changes, problems } = checkDockerfileChanges(['CMD ["sh"]', 'RUN ls', 'EXPOSE 80/foo', 'WORKDIR /srv']);
    expect(changes.map((c) => c.instruction)).toEqual(['CMD', 'WORKDIR']);
    expect(problems).toEqual([
      { index: 1, change: 'RUN ls', instruction: 'RUN', message: expect.stringMatching(/RUN is not allowed/) },
      { index: 2, change: 'EXPOSE 80/foo', instruction: 'EXPOSE', message: expect.stringMatching(/protocol "foo"/) },
    ]);
    expect(describeChangeProblems(problems)).toMatch(/^change 2 \("RUN ls"\): RUN is not allowed.*; change 3 \("EXPOSE 80\/foo"\): EXPOSE: protocol/);
  });

  it('throws a BAD_REQUEST HangarError', () => {
    try {
      assertDockerfileChanges(['USER a b']);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(HangarError);
      expect((error as HangarError).code).toBe('BAD_REQUEST');
      expect((error as HangarError).message).toMatch(/^invalid change: change 1 \("USER a b"\): USER takes exactly one/);
    }
  });

  it('accepts an empty list', () => {
    expect(assertDockerfileChanges([])).toEqual([]);
  });
});

describe('word splitting (buildkit parseWords)', () => {
  it.each([
    ['a b  c', ['a', 'b', 'c']],
    ['A="x y" B=z', ['A="x y"', 'B=z']],
    ["A='x \\y'", ["A='x \\y'"]],
    ['A=a\\ b', ['A=a\\ b']],
    ['A="" B', ['A=""', 'B']],
    ['""', ['""']],
    ['A="q\\"x"', ['A="q\\"x"']],
  ])('%j', (input, words) => {
    expect(splitWords(input).words).toEqual(words);
  });

  it('unquotes like the engine’s shell lexer', () => {
    expect(unquoteWord('"a \\"b\\" \\$c \\d"')).toBe('a "b" $c \\d');
    expect(unquoteWord("'a \\b'")).toBe('a \\b');
    expect(unquoteWord('a\\ b')).toBe('a b');
  });
});
