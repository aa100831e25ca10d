import { describe, expect, it } from 'vitest';
import { compareApiVersions, MAX_API_VERSION, negotiateApiVersion } from './api-version.js';

describe('negotiateApiVersion', () => {
  it('talks the engine’s own version when it is older than ours', () => {
    expect(negotiateApiVersion('1.41', '1.12')).toEqual({ ok: true, version: '1.41' });
  });

  it('caps at the newest version Hangar knows when the engine is newer', () => {
    expect(negotiateApiVersion('1.55', '1.44')).toEqual({ ok: true, version: MAX_API_VERSION });
  });

  it('compares minor versions numerically, not as text', () => {
    expect(compareApiVersions('1.9', '1.41')).toBeLessThan(0);
    expect(compareApiVersions('1.100', '1.41')).toBeGreaterThan(0);
  });

  it('refuses engines older than the oldest supported version', () => {
    const result = negotiateApiVersion('1.39', '1.12');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/older than the oldest Hangar supports/);
  });

  it('refuses engines whose minimum is above what Hangar speaks', () => {
    const result = negotiateApiVersion('1.70', '1.60');
    expect(!result.ok && result.reason).toMatch(/requires API 1.60/);
  });

  it('refuses garbage', () => {
    expect(negotiateApiVersion('banana', undefined).ok).toBe(false);
  });
});
