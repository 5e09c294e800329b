/** The payload type a job definition carries (see defineJob). */
export type JobPayload<T> = T extends { readonly payload?: infer P } ? NonNullable<P> : never;
