import type { ParsedConfig } from '../config/config.schema.js';
import { checkWebhookRule } from './rules.js';

/**
 * Checks what the schema alone cannot: unique receiver and rule names, secrets named, each rule's receiver
 * configured, its globs well formed and its hosts known. The first problem comes back with the key it concerns.
 */
export function checkWebhookConfig(webhooks: ParsedConfig['webhooks'], hostNames: readonly string[]): { key: string; message: string } | undefined {
  const receivers = new Set<string>();
  for (const [index, receiver] of webhooks.receivers.entries()) {
    if (receivers.has(receiver.name)) return { key: `webhooks.receivers[${index}].name`, message: `duplicate receiver name "${receiver.name}"` };
    receivers.add(receiver.name);
    if (!receiver.secretEnv) return { key: `webhooks.receivers[${index}].secretEnv`, message: 'required: the environment variable holding the receiver’s secret' };
  }
  const rules = new Set<string>();
  for (const [index, rule] of webhooks.rules.entries()) {
    const at = `webhooks.rules[${index}]`;
    if (rules.has(rule.name)) return { key: `${at}.name`, message: `duplicate rule name "${rule.name}"` };
    rules.add(rule.name);
    if (!receivers.has(rule.receiver)) return { key: `${at}.receiver`, message: `no receiver named "${rule.receiver}" in webhooks.receivers` };
    const problem = checkWebhookRule(rule)[0];
    if (problem) return { key: `${at}.${problem.field}`, message: problem.message };
    const unknown = (rule.hosts.names ?? []).find((name) => !hostNames.includes(name));
    if (unknown) return { key: `${at}.hosts.names`, message: `no host named "${unknown}"` };
  }
  return undefined;
}
