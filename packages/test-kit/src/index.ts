export * from './server.js';
export * from './postgres.js';
