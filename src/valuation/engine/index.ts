/** Public API of the pure valuation engine (no NestJS, no database). */
export * from './types.js';
export * from './params.js';
export * from './model.js';
export * from './explain.js';
export * from './margin.js';
export * from './fit.js';
export * from './fraud.js';
export * from './synthetic-market.js';
export * from './evaluate.js';
export * from './price-points.js';
