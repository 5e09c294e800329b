import { describe, expect, it } from '@jest/globals';
import { normaliseSeal } from './seal.js';

describe('seal numbers', () => {
  it('compares seal numbers trimmed and upper-cased', () => {
    expect(normaliseSeal('  sl-001 ')).toBe('SL-001');
    expect(normaliseSeal('   ')).toBeNull();
    expect(normaliseSeal(null)).toBeNull();
  });
});
