export * from './types';
export * from './api';
export { createRng, gaussian } from './rng';
export type { Rng } from './rng';
export { serverOrder } from './server-order';
