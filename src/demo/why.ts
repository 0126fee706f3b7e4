/**
 * "Why this order?": on every tile of a reranked list, where the server put it, where this device put
 * it, and the reason in words. Built from the `pz:reranked` event's result (`from`, `to`, `reason`),
 * which the README documents; the overlay is shown while `<html data-why>` is set.
 */

interface RankedItem {
  id: string;
  from: number;
  to: number;
  reason?: string;
}

/** The overlay text of one ranked item. */
export function whyText(r: RankedItem, personalized: boolean): string {
  const where = r.from === r.to ? `Server #${r.from + 1} · stays #${r.to + 1}` : `Server #${r.from + 1} → #${r.to + 1} here`;
  if (!personalized) return `Server #${r.from + 1} · server order`;
  return r.reason && r.to < r.from ? `${where}\n${r.reason}` : where;
}

/** Starts filling the overlay of every list the personalizer reranks. */
export function startWhy(): void {
  document.addEventListener('pz:reranked', (ev) => {
    const list = ev.target as HTMLElement;
    const { result } = (ev as CustomEvent<{ result: { items: RankedItem[]; fellBack: false | string } }>).detail;
    const byId = new Map(result.items.map((r) => [r.id, r]));
    const personalized = !result.fellBack && list.dataset.pzPersonalization !== '0';
    for (const li of Array.from(list.querySelectorAll<HTMLElement>(':scope > [data-pz-item]'))) {
      const r = byId.get(li.dataset.pzItem ?? '');
      const why = li.querySelector('.tile-why');
      if (!why) continue;
      why.textContent = r ? whyText(r, personalized) : '';
      if (result.fellBack) why.textContent += `\nServer order (${result.fellBack})`;
    }
  });
}

/** Shows or hides the overlay. */
export function setWhy(on: boolean): void {
  if (on) document.documentElement.dataset.why = '';
  else delete document.documentElement.dataset.why;
}
