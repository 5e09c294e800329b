/** Where the console's generated API types are written. */
export const OUT: string;
/** console/src/api/schema.generated.ts's text for an OpenAPI document. */
export function render(document: unknown): Promise<string>;
/** The document the server serves, read in-process from a created (not started) app. */
export function serverDocument(): Promise<unknown>;
