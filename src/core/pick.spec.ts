import { describe, expect, it } from '@jest/globals';
import { pick } from './pick.js';

describe('pick', () => {
  it('copies the named fields, in the order named, undefined and null as they are', () => {
    const record = { id: 'a', note: null, label: undefined, secret: 's' };
    const view = pick(record, ['note', 'id', 'label']);
    expect(view).toStrictEqual({ note: null, id: 'a', label: undefined });
    expect(Object.keys(view)).toEqual(['note', 'id', 'label']);
  });
});
