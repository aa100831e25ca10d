import { describe, expect, it } from 'vitest';
import { forbidden, hasRole, isRole } from './roles.js';

describe('roles', () => {
  it('each role includes the ones before it', () => {
    expect(hasRole({ role: 'admin' }, 'operator')).toBe(true);
    expect(hasRole({ role: 'operator' }, 'operator')).toBe(true);
    expect(hasRole({ role: 'operator' }, 'admin')).toBe(false);
    expect(hasRole({ role: 'viewer' }, 'operator')).toBe(false);
    expect(hasRole({ role: 'viewer' }, 'viewer')).toBe(true);
  });

  it('knows only the three roles', () => {
    expect(['viewer', 'operator', 'admin'].every(isRole)).toBe(true);
    expect(isRole('root')).toBe(false);
    expect(isRole(undefined)).toBe(false);
  });

  it('FORBIDDEN names what, the role needed and the role held', () => {
    const error = forbidden({ name: 'ci', role: 'viewer' }, 'operator', 'pullImage');
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toBe('pullImage needs the operator role; this token ("ci") has the viewer role');
  });
});
