/** Renders src/platform/openapi-operations.generated.ts from the controllers. */
export function generate(): string;
