export * from './errors.js';
export * from './record.js';
export * from './clock.js';
export * from './redact.js';
export * from './local-date.js';
