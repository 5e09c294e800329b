import { describe, expect, it } from '@jest/globals';
import { Entity } from 'typeorm';
import type { EntityManager, ObjectLiteral } from 'typeorm';
import type { Actor } from '../actor.js';
import { defineAccessPolicy, policyBoundLater } from './access-policy.js';

class Thing {
  id: string;
  customerId: string | null;
  warehouseId: string | null;
  kind: string;
}

@Entity('things')
class Thing2 {
  id: string;
  customerId: string | null;
}

class Note {
  id: string;
  thingId: string | null;
  authorId: string;
}

const parentPolicy = defineAccessPolicy<Thing2>({
  name: 'Parent',
  entity: Thing2,
  rules: { any: [{ customerId: 'userId' }] },
});

/** A note follows the thing it is about, or is its author's; merchants never see one. */
const notePolicy = defineAccessPolicy<Note>({
  name: 'Note',
  table: 'notes',
  rules: {
    any: [{ authorId: 'userId' }],
    customer: [{ follows: { policy: parentPolicy, by: 'thingId' } }],
  },
});

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

  describe('a related-row rule', () => {
    const note = (over: Partial<Note> = {}): Note => ({
      id: 'n1',
      thingId: 't1',
      authorId: 'a1',
      ...over,
    });
    const things: Thing2[] = [{ id: 't1', customerId: 'u1' }];
    const db = {
      getRepository: () => ({
        findBy: (where: { id: string }) => Promise.resolve(things.filter((t) => t.id === where.id)),
      }),
    } as unknown as EntityManager;

    it("compiles to an EXISTS on the related table with that policy's rules", () => {
      expect(notePolicy.where(actor('customer', 'u1', null), 'n')).toEqual({
        sql: '((n.author_id = :access_n_0) OR (EXISTS (SELECT 1 FROM things n_f1 WHERE n_f1.id = n.thing_id AND ((n_f1.customer_id = :access_n_1)))))',
        params: { access_n_0: 'u1', access_n_1: 'u1' },
      });
      // Not the merchant's rule: only the author clause, which a merchant can still meet.
      expect(notePolicy.where(actor('merchant', 'm1', 'o1'), 'n').sql).toBe(
        '((n.author_id = :access_n_0))',
      );
      expect(notePolicy.where(actor('support', 's1', null), 'n').sql).toBe('TRUE');
    });

    it('answers the single check by reading the related row', async () => {
      await expect(notePolicy.visibleTo(db, note(), actor('customer', 'u1', null))).resolves.toBe(
        true,
      );
      await expect(notePolicy.visibleTo(db, note(), actor('customer', 'u2', null))).resolves.toBe(
        false,
      );
      await expect(
        notePolicy.visibleTo(db, note({ thingId: 'gone' }), actor('customer', 'u1', null)),
      ).resolves.toBe(false);
      await expect(
        notePolicy.visibleTo(db, note({ thingId: null }), actor('customer', 'u1', null)),
      ).resolves.toBe(false);
      await expect(notePolicy.visibleTo(db, note(), actor('merchant', 'a1', 'o1'))).resolves.toBe(
        true,
      );
      await expect(
        notePolicy.assertVisibleTo(db, note(), actor('customer', 'u2', null), 'n1'),
      ).rejects.toThrow('Note n1 not found');
    });

    it('refuses to answer in memory what only the related row can decide', () => {
      expect(notePolicy.canSee(note(), actor('customer', 'a1', null))).toBe(true);
      expect(() => notePolicy.canSee(note(), actor('customer', 'u1', null))).toThrow(
        'needs visibleTo',
      );
      expect(notePolicy.canSee(note(), actor('merchant', 'm1', 'o1'))).toBe(false);
    });
  });

  describe('a policy bound later (a port)', () => {
    const subject = policyBoundLater<ObjectLiteral>('Subject');
    const pinned = defineAccessPolicy<Note>({
      name: 'Pinned note',
      table: 'pinned_notes',
      rules: { any: [{ authorId: 'userId' }, { follows: { policy: subject, by: 'thingId' } }] },
    });
    const things: Thing2[] = [{ id: 't1', customerId: 'u1' }];
    const db = {
      getRepository: () => ({
        findBy: (where: { id: string }) => Promise.resolve(things.filter((t) => t.id === where.id)),
      }),
    } as unknown as EntityManager;
    const note: Note = { id: 'n1', thingId: 't1', authorId: 'a1' };

    it('admits nothing through it until a module binds it, then follows the bound policy', async () => {
      const u1 = actor('customer', 'u1', null);
      expect(pinned.where(u1, 'n').sql).toBe('((n.author_id = :access_n_0))');
      await expect(pinned.visibleTo(db, note, u1)).resolves.toBe(false);
      subject.bind(parentPolicy as never);
      subject.bind(parentPolicy as never); // the same one again: a no-op
      expect(() => subject.bind(notePolicy as never)).toThrow('is bound to Parent');
      expect(pinned.where(u1, 'n').sql).toContain('EXISTS (SELECT 1 FROM things n_f1');
      await expect(pinned.visibleTo(db, note, u1)).resolves.toBe(true);
      await expect(pinned.visibleTo(db, note, actor('customer', 'u2', null))).resolves.toBe(false);
    });
  });
});
