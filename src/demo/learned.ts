/**
 * "What your browser learned": top interests as bars, segment and purchase intent, read from
 * `pz.profile()` (the profile as stored on this device) and refreshed after every tracked event.
 */
import { displayName } from './catalog';
import { h } from './dom';
import { withPz } from './pz';

interface ProfileView {
  profile?: { eventCount?: number; categories?: { long?: Record<string, number> } };
  segments?: { lifecycle?: { name?: string }; fuzzy?: { name: string; membership: number }[]; behaviour?: { name: string }[] };
  propensities?: { purchaseIntent?: number };
}

/** Interest shares of the most specific category levels, largest first. */
export function topInterests(view: ProfileView, n = 3): { name: string; share: number }[] {
  const long = view.profile?.categories?.long ?? {};
  const leaves = Object.entries(long).filter(([k, v]) => k.includes('/') && v > 0);
  const total = leaves.reduce((s, [, v]) => s + v, 0);
  if (!total) return [];
  return leaves
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => ({ name: displayName(k.split('/').pop()!), share: v / total }));
}

const cards = new Set<HTMLElement>();

function fill(card: HTMLElement, view: ProfileView | undefined): void {
  const body = card.querySelector('.learned-body')!;
  const events = view?.profile?.eventCount ?? 0;
  if (!view || events === 0) {
    body.replaceChildren(h('p', { class: 'muted' }, 'Nothing yet. Open a product or two and this card fills in, right here in your browser.'));
    return;
  }
  const interests = topInterests(view);
  const fuzzy = [...(view.segments?.fuzzy ?? [])].sort((a, b) => b.membership - a.membership)[0];
  const intent = view.propensities?.purchaseIntent;
  body.replaceChildren(
    h('p', { class: 'muted' }, `${events} thing${events === 1 ? '' : 's'} you did, kept in this browser.`),
    h(
      'ul',
      { class: 'bars', 'aria-label': 'Top interests' },
      ...interests.map((i) =>
        h('li', {}, h('span', {}, i.name), h('span', { class: 'bar', 'data-share': String(Math.round(i.share * 100)) }, h('span', {})), h('span', {}, `${Math.round(i.share * 100)} %`)),
      ),
    ),
    h(
      'dl',
      {},
      h('dt', {}, 'Shopper type'),
      h('dd', {}, fuzzy ? `${fuzzy.name} (${Math.round(fuzzy.membership * 100)} %)` : (view.segments?.lifecycle?.name ?? 'new')),
      h('dt', {}, 'Likely to buy today'),
      h('dd', {}, intent === undefined ? '–' : `${Math.round(intent * 100)} %`),
    ),
  );
  // Bar widths through the CSSOM (the page's CSP allows no inline styles).
  for (const bar of Array.from(body.querySelectorAll<HTMLElement>('.bar > span'))) {
    bar.style.width = `${bar.parentElement!.dataset.share}%`;
  }
}

let timer: ReturnType<typeof setTimeout> | undefined;
/** Re-reads the profile into every mounted card (debounced). */
export function refreshLearned(): void {
  if (timer !== undefined) clearTimeout(timer);
  timer = setTimeout(() => {
    withPz(async (pz) => {
      const view = (await pz.profile().catch(() => undefined)) as ProfileView | undefined;
      for (const c of cards) {
        if (c.isConnected) fill(c, view);
        else cards.delete(c);
      }
    });
  }, 250);
}

let subscribed = false;
let made = 0;
/** A new card; it fills itself and follows the shopper's events. */
export function learnedCard(): HTMLElement {
  const titleId = `learned-title-${++made}`;
  const card = h(
    'aside',
    { class: 'learned', 'aria-labelledby': titleId },
    h('h2', { id: titleId }, 'What your browser learned'),
    h('div', { class: 'learned-body' }, h('p', { class: 'muted' }, 'Reading this browser’s profile…')),
    h('p', { class: 'learned-foot' }, 'Kept in this browser (IndexedDB); never sent to the shop.'),
  );
  cards.add(card);
  if (!subscribed) {
    subscribed = true;
    withPz((pz) => {
      pz.on('tracked', refreshLearned);
      pz.on('erased', refreshLearned);
    });
  }
  refreshLearned();
  return card;
}
