export * from './types';
export * from './api';
export { createRng, gaussian } from './util/rng';
export type { Rng } from './util/rng';
export { serverOrder } from './rank/server-order';
export * from './errors';
