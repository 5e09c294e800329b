// Every migration, in order. Explicit imports (not a glob) so the same list runs from the build,
// from the CLI and under Jest.
import { Foundation1763800000000 } from './1763800000000-foundation.js';

export const ALL_MIGRATIONS = [Foundation1763800000000];
