import type { Linter } from 'eslint';

export const DATA_LAYER_STAGES: string[];
declare const config: Linter.Config[];
export default config;
