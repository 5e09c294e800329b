import { describe, expect, it } from '@jest/globals';
import type { Actor } from '../actor.js';
import { defineAccessPolicy } from './access-policy.js';

class Thing {
  id: string;
  customerId: string | null;
  warehouseId: string | null;
  kind: string;
}

const policy = defineAccessPolicy<Thing>({
  name: 'Thing',
  entity: Thing,
  rules: {
    any: [{ customerId: 'userId' }],
    warehouse: [{ warehouseId: 'organisationId', kind: { is: 'transfer' } }],
  },
});

const actor = (role: Actor['role'], userId: string | null, organisationId: string | null) => ({
  role,
  userId,
  organisationId,
});
const row = (over: Partial<Thing> = {}): Thing =>
  Object.assign(
    new Thing(),
    { id: 't1', customerId: 'u1', warehouseId: 'w1', kind: 'transfer' },
    over,
  );

describe('defineAccessPolicy', () => {
  it('answers the single-object check from the rules', () => {
    expect(policy.canSee(row(), actor('customer', 'u1', null))).toBe(true);
    expect(policy.canSee(row(), actor('customer', 'u2', null))).toBe(false);
    expect(policy.canSee(row(), actor('warehouse', 'u9', 'w1'))).toBe(true);
    expect(policy.canSee(row({ kind: 'other' }), actor('warehouse', 'u9', 'w1'))).toBe(false);
    // The warehouse clause is the warehouse role's only: a merchant of the same id sees nothing.
    expect(policy.canSee(row(), actor('merchant', 'u9', 'w1'))).toBe(false);
    expect(policy.canSee(row(), actor('support', 'u9', null))).toBe(true);
    // A null id never matches a null column.
    expect(policy.canSee(row({ customerId: null }), actor('courier', null, null))).toBe(false);
  });

  it('answers 404 naming the entity', () => {
    expect(() => policy.assertVisible(null, actor('admin', 'a', null), 't1')).toThrow(
      'Thing t1 not found',
    );
    expect(() => policy.assertVisible(row(), actor('customer', 'u2', null), 't1')).toThrow(
      'Thing t1 not found',
    );
  });

  it('gives the list query the same rules as SQL', () => {
    expect(policy.where(actor('warehouse', 'u9', 'w1'), 'x')).toEqual({
      sql: '((x.customer_id = :access_x_0) OR (x.warehouse_id = :access_x_1 AND x.kind = :access_x_2))',
      params: { access_x_0: 'u9', access_x_1: 'w1', access_x_2: 'transfer' },
    });
    expect(policy.where(actor('courier', null, null), 'x')).toEqual({ sql: 'FALSE', params: {} });
    expect(policy.where(actor('admin', 'a', null), 'x').sql).toBe('TRUE');
    const params: unknown[] = ['first'];
    expect(policy.rawWhere(actor('customer', 'u1', null), 't', params)).toBe(
      '((t.customer_id = $2))',
    );
    expect(params).toEqual(['first', 'u1']);
  });
});
