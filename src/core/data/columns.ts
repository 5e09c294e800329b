import type { ValueTransformer } from 'typeorm';

/** bigint columns come back from pg as strings; money in minor units and sizes stay below 2^53. */
export const bigintAsNumber: ValueTransformer = {
  to: (v: number | null | undefined) => v,
  from: (v: string | null) => (v === null ? null : Number(v)),
};
