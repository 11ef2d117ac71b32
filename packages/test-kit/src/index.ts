export * from './server.js';
export * from './postgres.js';
export * from './clients.js';
