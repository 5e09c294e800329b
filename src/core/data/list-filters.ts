import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/**
 * A list's plain equality filters, `column = value` ANDed for each value given (an absent or
 * empty one filters nothing): `whereEqual(qb, { 'p.state': q.state, 'p.courier_id': q.courierId })`.
 * Each value is bound under a name made from its column, which no other filter uses.
 */
export function whereEqual<E extends ObjectLiteral>(
  qb: SelectQueryBuilder<E>,
  filters: Record<string, string | null | undefined>,
): SelectQueryBuilder<E> {
  for (const [column, value] of Object.entries(filters)) {
    if (!value) continue;
    const param = `eq_${column.replace(/\W/g, '_')}`;
    qb.andWhere(`${column} = :${param}`, { [param]: value });
  }
  return qb;
}
