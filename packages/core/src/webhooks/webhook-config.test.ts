import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/config-error.js';
import { parseConfig } from '../config/load-config.js';

const hosts = [
  { name: 'alpha', endpoint: 'unix:///a.sock', labels: { role: 'web' } },
  { name: 'beta', endpoint: 'unix:///b.sock', labels: { role: 'api' } },
];
const receivers = [{ name: 'registry', source: 'distribution', secretEnv: 'REGISTRY_WEBHOOK_TOKEN' }];
const rule = { name: 'web', receiver: 'registry', repository: 'team/web*', hosts: { labels: { role: 'web' } } };

function problem(webhooks: unknown): string {
  try {
    parseConfig({ hosts, webhooks }, { env: {} });
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  return 'no error';
}

describe('webhooks in hangar.yaml', () => {
  it('takes receivers and rules with defaults', () => {
    const config = parseConfig({ hosts, webhooks: { receivers, rules: [rule] } }, { env: {} });
    expect(config.webhooks.rules[0]).toEqual({ ...rule, tag: '*', excludeTags: [], action: 'pull' });
    expect(config.webhooks).toMatchObject({ maxBodyBytes: 1048576, toleranceSeconds: 300, jobAttempts: 10, jobBackoffMs: 5000 });
  });

  it('names the key of every problem', () => {
    expect(problem({ receivers: [{ name: 'r', source: 'gitlab', secretEnv: 'X' }] })).toMatch(/^config: webhooks\.receivers\[0\]\.source: /);
    expect(problem({ receivers: [{ name: 'r', source: 'harbor' }] })).toBe('config: webhooks.receivers[0].secretEnv: required: the environment variable holding the receiver’s secret');
    expect(problem({ receivers: [...receivers, ...receivers] })).toBe('config: webhooks.receivers[1].name: duplicate receiver name "registry"');
    expect(problem({ receivers, rules: [{ ...rule, receiver: 'hub' }] })).toBe('config: webhooks.rules[0].receiver: no receiver named "hub" in webhooks.receivers');
    expect(problem({ receivers, rules: [rule, rule] })).toBe('config: webhooks.rules[1].name: duplicate rule name "web"');
    expect(problem({ receivers, rules: [{ ...rule, excludeTags: ['[x'] }] })).toBe('config: webhooks.rules[0].excludeTags[0]: bad pattern "[x": syntax error in pattern');
    expect(problem({ receivers, rules: [{ ...rule, hosts: {} }] })).toBe('config: webhooks.rules[0].hosts: give host names, labels, or both');
    expect(problem({ receivers, rules: [{ ...rule, hosts: { names: ['alpha', 'omega'] } }] })).toBe('config: webhooks.rules[0].hosts.names: no host named "omega"');
    expect(problem({ receivers, rules: [{ ...rule, action: 'delete' }] })).toMatch(/^config: webhooks\.rules\[0\]\.action: /);
    expect(problem({ receivers, rules: [{ ...rule, hots: {} }] })).toBe('config: webhooks.rules[0].hots: unknown key');
  });
});
