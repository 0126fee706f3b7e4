/**
 * The page side of the packed transport, as the client file bundles it: bench/browser-bench.ts builds
 * this for the page, so its packed echo packs and unpacks with the same code as `pz.rerank`, and its
 * comlink floor calls through the same comlink.
 */
import type { PackedCandidates } from '../../src/core/input/packed';

export { packCandidates } from '../../src/core/input/packed';
export { unpackResult } from '../../src/core/rank/packed-result';
export { transfer, wrap } from 'comlink';

/**
 * A packed list with a copy of its embeddings, for the floor's timed calls: each transfers that
 * buffer, so the list packed once beforehand is sent as a fresh copy every time.
 */
export function copyPacked(p: PackedCandidates): PackedCandidates {
  const [tags, embedding, related] = p.lists;
  return { ...p, lists: [tags, embedding.slice(), related] };
}
