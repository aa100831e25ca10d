import { describe, expect, it } from 'vitest';
import { goJson, goJsonIndent, goStruct } from './go-json.js';

describe("Go's encoding/json", () => {
  it('sorts map keys and escapes HTML by default, as docker marshals a row', () => {
    expect(goJson({ Tag: '<none>', ID: 'abc', Digest: 'a&b' })).toBe('{"Digest":"a\\u0026b","ID":"abc","Tag":"\\u003cnone\\u003e"}');
  });

  it('leaves HTML alone when told (docker’s json template function)', () => {
    expect(goJson('<none>', { escapeHtml: false })).toBe('"<none>"');
  });

  it('escapes quotes, controls, U+2028 and keeps other characters', () => {
    expect(goJson('a"b\\c\nd\u0001e\u2028…', { escapeHtml: false })).toBe('"a\\"b\\\\c\\nd\\u0001e\\u2028…"');
  });

  it('keeps struct field order and indents like json.MarshalIndent', () => {
    const value = [goStruct({ Id: 'x', RepoTags: ['a'], Config: goStruct({ Env: null, Labels: { b: '2', a: '1' } }), Empty: [] })];
    expect(goJsonIndent(value)).toBe(
      '[\n    {\n        "Id": "x",\n        "RepoTags": [\n            "a"\n        ],\n        "Config": {\n            "Env": null,\n            "Labels": {\n                "a": "1",\n                "b": "2"\n            }\n        },\n        "Empty": []\n    }\n]',
    );
  });
});
