export * from './reference.js';
export * from './core.js';
