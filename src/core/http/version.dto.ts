import { IntField } from './field.decorators.js';

/** Highest value of a PostgreSQL `int`, the type of every `version` column. */
export const MAX_VERSION = 2_147_483_647;

/**
 * The version of a stateful object the client last saw (spec §5 optimistic concurrency): the
 * body of every action that takes nothing else, and the base of those that do.
 */
export class VersionDto {
  @IntField({
    min: 1,
    max: MAX_VERSION,
    optional: true,
    coerce: true,
    description: 'The version you last saw; a stale one answers 409',
  })
  version?: number;
}
