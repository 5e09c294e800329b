import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * How far V8 lets the old generation grow past what survived the last full collection before
 * it collects again. By default it picks up to 4×: under a burst of requests every in-flight
 * request's rows survive a young collection or two and are promoted, so the API's heap climbed
 * to ~350 MB (480 in some runs) on ~90 MB of live objects before a full collection gave it
 * back (issue 27: API RSS ≤ 300 MB). At 1.5× a full collection comes sooner; each is
 * incremental and short (10–25 ms on this heap), and CPU per request did not move measurably.
 */
const HEAP_GROWING_PERCENT = 50;

/** Every platform process, before it loads its modules (boot has its own garbage). */
export function boundHeapGrowth(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

/**
 * One full garbage collection once the process has started. Booting (the module graph, the
 * OpenAPI document, the operator data and its schemas) leaves about 40 MB of garbage in a heap
 * V8 has grown to hold it; under steady requests V8 never shrinks it back, so it would count in
 * the API's memory for the process's life (issue 27: API RSS ≤ 300 MB). The collector is
 * reached for this one call through V8's flag, not exposed to the rest of the program. Only
 * the API calls it: in the worker, measured, it made the peak under job bursts higher, not lower.
 */
export function releaseBootMemory(): void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (() => void) | undefined;
  setFlagsFromString('--no-expose-gc');
  gc?.();
}
