export * from './api/errors';
export * from './api/graph';
export * from './api/validation';
export * from './api/resources';
export * from './routing';
export * from './istio';
export * from './api/responseFlags';
