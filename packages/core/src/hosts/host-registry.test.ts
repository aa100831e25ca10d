import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load-config.js';
import { HostRegistry } from './host-registry.js';

const config = parseConfig(
  {
    hosts: [
      { name: 'alpha', endpoint: 'unix:///nonexistent/alpha.sock', labels: { role: 'web' } },
      { name: 'beta', endpoint: 'unix:///nonexistent/beta.sock', labels: { role: 'api' } },
      { name: 'gamma', endpoint: 'unix:///nonexistent/gamma.sock', labels: { role: 'web' } },
    ],
  },
  { env: {} },
);

describe('HostRegistry.scoped', () => {
  it('shows only the hosts in scope; the others are unknown', async () => {
    const fleet = HostRegistry.fromConfig(config, { healthTimeoutMs: 200 });
    const view = fleet.scoped(['gamma', 'alpha']);
    expect(view.names()).toEqual(['alpha', 'gamma']);
    expect(view.has('beta')).toBe(false);
    expect(() => view.client('beta')).toThrow(expect.objectContaining({ code: 'HOST_NOT_FOUND' }));
    expect(view.states().map((state) => state.name)).toEqual(['alpha', 'gamma']);
    expect(view.fleet()).toEqual([
      { name: 'alpha', labels: { role: 'web' } },
      { name: 'gamma', labels: { role: 'web' } },
    ]);
    // The same hosts underneath: a check through the view is the fleet's check.
    const checked = await view.check('alpha');
    expect(checked.status).toBe('DOWN');
    expect(fleet.state('alpha').checkedAt).toEqual(checked.checkedAt);
    expect(fleet.names()).toEqual(['alpha', 'beta', 'gamma']);
  });
});
