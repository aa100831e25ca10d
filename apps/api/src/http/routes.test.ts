import { describe, expect, it } from 'vitest';
import { REST_ROUTES, routePattern } from './routes.js';

describe('the REST route table', () => {
  it('names every route once, each with its role', () => {
    const keys = REST_ROUTES.map((route) => `${route.method} ${route.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(REST_ROUTES.find((route) => route.path === '/api/v1/hosts/:host/images/load')?.role).toBe('operator');
    expect(REST_ROUTES.find((route) => route.path === '/api/v1/hosts/:host/images/import')?.role).toBe('operator');
    expect(REST_ROUTES.find((route) => route.path === '/api/v1/hosts/:host/images/export')?.role).toBe('viewer');
    expect(REST_ROUTES.find((route) => route.path === '/healthz')?.role).toBeNull();
  });

  it('matches a path only as spelled: case, trailing and doubled slashes, percent-encoded letters are other paths', () => {
    const load = routePattern('/api/v1/hosts/:host/images/load');
    expect(load.test('/api/v1/hosts/alpha/images/load')).toBe(true);
    expect(load.test('/api/v1/hosts/a%20b/images/load')).toBe(true);
    for (const path of [
      '/api/v1/hosts/alpha/images/Load',
      '/api/v1/hosts/alpha/images/load/',
      '/api/v1/hosts/alpha/images//load',
      '/api/v1//hosts/alpha/images/load',
      '/api/v1/hosts/alpha/images/%6coad',
      '/api/v1/hosts//images/load',
      '/API/v1/hosts/alpha/images/load',
      '/api/v1/hosts/alpha/images/load.tar',
    ]) {
      expect(load.test(path), path).toBe(false);
    }
  });
});
