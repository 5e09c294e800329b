/** `Pick` with the fields in the order the keys are named (the OpenAPI schemas follow it). */
export type Fields<T, K extends readonly (keyof T)[]> = K extends readonly [
  infer First extends keyof T,
  ...infer Rest extends readonly (keyof T)[],
]
  ? { [P in First]: T[P] } & Fields<T, Rest>
  : unknown;

/**
 * The named fields of a record, under the same names: for views that show a row's own fields as
 * they are. Every key is copied, an undefined value too (as `{ a: r.a }` would).
 */
export function pick<T extends object, const K extends readonly (keyof T)[]>(
  record: T,
  keys: K,
): Fields<T, K> {
  const view: Partial<T> = {};
  for (const key of keys) view[key] = record[key];
  return view as Fields<T, K>;
}
