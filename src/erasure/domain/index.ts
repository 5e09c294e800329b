/** Pure erasure domain: methods, policies, stations, importers, certificates, sampling, gate. */
export * from './types.js';
export * from './methods.js';
export * from './policies.js';
export * from './station.js';
export * from './importers.js';
export * from './certificate.js';
export * from './certificate-pdf.js';
export * from './sampling.js';
export * from './destruction.js';
export * from './gate.js';
export * from './station-signature.js';
