/**
 * Area under the ROC curve, for measuring site-side fits on held-out data (the purchase-intent model in
 * `train-prior`, the quality benchmark's taobao-intent protocol).
 */

/** A NaN score ranks below every number (a broken score never looks good). */
const score = (v: number): number => (Number.isNaN(v) ? Number.NEGATIVE_INFINITY : v);

/**
 * Area under the ROC curve with ties counted as one half (Mann–Whitney). NaN if a class is empty.
 * @example auc([0.9, 0.1, 0.5], [true, false, false]); // 1
 */
export function auc(scores: ArrayLike<number>, labels: ArrayLike<boolean | number>): number {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => score(scores[a]!) - score(scores[b]!));
  let pos = 0;
  let rankSumPos = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    const v = score(scores[order[i]!]!);
    while (j + 1 < n && score(scores[order[j + 1]!]!) === v) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (labels[order[k]!]) {
        pos++;
        rankSumPos += avgRank;
      }
    }
    i = j + 1;
  }
  const neg = n - pos;
  if (pos === 0 || neg === 0) return Number.NaN;
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}
