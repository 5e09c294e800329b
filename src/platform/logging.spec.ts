import { describe, expect, it } from '@jest/globals';
import { scrubUrl } from './logging.js';

describe('scrubUrl', () => {
  it('hides the values of secret query parameters and keeps the rest', () => {
    expect(scrubUrl('/admin/queues?ticket=abc123')).toBe('/admin/queues?ticket=[redacted]');
    expect(scrubUrl('/api/v1/x?limit=5&token=eyJ.x.y&state=OPEN')).toBe(
      '/api/v1/x?limit=5&token=[redacted]&state=OPEN',
    );
    expect(scrubUrl('/a?Access_Token=s&refresh_token=r&code=1234')).toBe(
      '/a?Access_Token=[redacted]&refresh_token=[redacted]&code=[redacted]',
    );
    expect(scrubUrl('/a?%74oken=s')).toBe('/a?%74oken=[redacted]');
    expect(scrubUrl('/plain/path')).toBe('/plain/path');
    expect(scrubUrl('/a?flag')).toBe('/a?flag');
    expect(scrubUrl(undefined)).toBeUndefined();
  });
});
