import type { Linter } from 'eslint';

export const LAYERS: Record<string, string[]>;
export const KNOWN_VIOLATIONS: [from: string, to: string][];
declare const config: Linter.Config[];
export default config;
