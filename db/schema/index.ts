export * from './reference.js';
export * from './core.js';
export * from './screening.js';
export * from './learning.js';
export * from './talk.js';
export * from './notify.js';
export * from './people.js';
