import { describe, expect, it } from '@jest/globals';
import { patternMaxLength } from './openapi-limits.js';

describe('patternMaxLength', () => {
  it.each([
    ['^\\d{6}$', 6],
    ['^([01]\\d|2[0-3]):[0-5]\\d$', 5],
    ['^[A-Z]{2}(-[A-Z0-9]{1,3})?$', 6],
    ['^(?:abc|de)x?$', 4],
    ['^\\+[1-9]\\d{6,14}$', 16],
  ])('%s accepts at most %i characters', (pattern, max) => {
    expect(patternMaxLength(pattern)).toBe(max);
  });
  it.each(['^\\d+$', '^a*$', '^x{2,}$', 'abc', '^abc'])('%s is open-ended', (pattern) => {
    expect(patternMaxLength(pattern)).toBeUndefined();
  });
});
