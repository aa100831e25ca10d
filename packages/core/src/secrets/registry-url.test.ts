import { describe, expect, it } from 'vitest';
import { registryConfigSchema } from '../config/config.schema.js';
import { parseConfig } from '../config/load-config.js';

// Registry URLs never carry credentials: they would be shown (registries, logs, audit) and kept in clear.
describe('registry URLs with credentials', () => {
  const passwords = ['s3cr:t', 'p@ss', 'q"uo\\te', 'ünï'];

  it.each(passwords)('are refused in hangar.yaml, without echoing the password (%s)', (password) => {
    const url = `https://alice:${encodeURIComponent(password)}@registry.example.com`;
    let message = '';
    try {
      parseConfig({ registries: [{ name: 'r', url }] }, { env: {} });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^config: registries\[0\]\.url: must not hold credentials/);
    expect(message).not.toContain(encodeURIComponent(password));
    expect(message).not.toContain('alice');
  });

  it('are refused for addRegistry (the same schema), and so are a lone user, a query or a fragment', () => {
    for (const url of ['https://token@r.example', 'https://:pw@r.example', 'https://r.example/?token=x', 'https://r.example/#x']) {
      const parsed = registryConfigSchema.safeParse({ name: 'r', url });
      expect(parsed.success, url).toBe(false);
      expect(parsed.error?.issues[0]?.path).toEqual(['url']);
    }
    expect(registryConfigSchema.safeParse({ name: 'r', url: 'http://127.0.0.1:5000', username: 'alice', passwordEnv: 'P' }).success).toBe(true);
  });
});
