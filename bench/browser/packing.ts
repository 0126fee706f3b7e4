/**
 * The page side of the packed transport, as the client file bundles it: bench/browser-bench.ts builds
 * this for the page, so its packed echo packs and unpacks with the same code as `pz.rerank`, and its
 * comlink floor calls through the same comlink.
 */
export { packCandidates } from '../../src/core/input/packed';
export { unpackResult } from '../../src/core/rank/packed-result';
export { transfer, wrap } from 'comlink';
