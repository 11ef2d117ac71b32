export * from './limits.js';
export * from './errors.js';
export * from './text.js';
export * from './dto.js';
export * from './schemas.js';
export * from './results.js';
export * from './frames.js';
