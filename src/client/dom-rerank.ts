/**
 * Reorders `[data-pz-rerank]` containers in place. Items are the container's children carrying
 * `data-pz-item`; they are moved (never cloned), so the site's listeners and state survive.
 *
 * Zero layout shift: every item is taken out and put back in one synchronous step. Chromium's
 * layout-instability tracking only reports nodes that existed in both frames, and re-inserted nodes
 * get fresh layout boxes, so a reorder of equal-sized tiles reports no shift (the e2e test measures it).
 */
import type { Client } from './client';
import { ITEM_SELECTOR, itemFromElement } from './item-from-element';
import type { Candidate, RerankResult } from '../core/types';
import { seenBeforeWatching, watchSeen } from './seen';

export const SLOT_SELECTOR = '[data-pz-rerank]';

/** Items of a slot: its direct children that carry `data-pz-item`. */
export function slotItems(container: Element): HTMLElement[] {
  return Array.from(container.children).filter((c): c is HTMLElement => c.matches(ITEM_SELECTOR));
}

function reducedMotion(): boolean {
  try {
    return matchMedia('(prefers-reduced-motion: reduce)').matches;
  } catch {
    return true;
  }
}

/** Applies a rerank result to the container's item children. Returns the element order now shown. */
export function applyOrder(container: HTMLElement, result: RerankResult): HTMLElement[] {
  const items = slotItems(container);
  const byId = new Map<string, HTMLElement>();
  for (const el of items) {
    const id = el.dataset.pzItem;
    if (id && !byId.has(id)) byId.set(id, el);
  }
  const ordered: HTMLElement[] = [];
  for (const r of result.items) {
    const el = byId.get(r.id);
    if (!el) continue;
    byId.delete(r.id);
    ordered.push(el);
    if (r.reason && r.to < r.from) el.dataset.pzReason = r.reason;
    else delete el.dataset.pzReason;
  }
  // Items the result does not mention (limit, invalid entries) keep their relative order at the end.
  for (const el of items) if (byId.has(el.dataset.pzItem ?? '')) ordered.push(el);
  if (ordered.every((el, i) => el === items[i])) return items;

  const animate = container.hasAttribute('data-pz-animate') && !reducedMotion();
  const before = animate ? new Map(items.map((el) => [el, el.getBoundingClientRect()])) : undefined;
  // Placeholders keep any non-item children (headings, ads) where they were.
  const marks = items.map((el) => {
    const mark = document.createComment('pz');
    el.replaceWith(mark);
    return mark;
  });
  for (let i = 0; i < marks.length; i++) marks[i]!.replaceWith(ordered[i]!);
  if (before) {
    for (const el of ordered) {
      const a = before.get(el);
      if (!a) continue;
      const b = el.getBoundingClientRect();
      const dx = a.left - b.left;
      const dy = a.top - b.top;
      if (dx || dy) {
        // Transforms never count as layout shift.
        el.animate([{ transform: `translate(${dx}px, ${dy}px)` }, { transform: 'none' }], {
          duration: 250,
          easing: 'ease-out',
        });
      }
    }
  }
  return ordered;
}

/**
 * Watches the document for slots: reranks each one when its items are present and again whenever
 * the site replaces them. A slot that was already in the page when watching began and that the shopper
 * has likely seen ({@link seenBeforeWatching}: the library started late) keeps the order it shows: its
 * first rerank asks for personalization 0, and a fallback is not followed by a late rerank. Returns a
 * function that stops watching.
 */
export function watchSlots(client: Client, root: ParentNode = document): () => void {
  const signatures = new WeakMap<Element, string>();
  const busy = new WeakSet<Element>();
  /** The list (signature) of each slot already given its one late rerank. */
  const lateDone = new WeakMap<Element, string>();
  /** Whether the shopper saw the slot, watched from its first rerank call until it is personalized. */
  const watches = new WeakMap<Element, ReturnType<typeof watchSeen>>();

  const signature = (container: Element) =>
    slotItems(container)
      .map((el) => el.dataset.pzItem)
      .sort()
      .join('\u0001');

  /** Slots kept in the order the shopper had already seen when watching began (until the site replaces their items). */
  const held = new WeakMap<Element, string>();

  async function rerankSlot(container: HTMLElement, atStart = false): Promise<void> {
    if (busy.has(container)) return;
    const items = slotItems(container);
    if (items.length === 0) return;
    const sig = signature(container);
    if (signatures.get(container) === sig) return;
    signatures.set(container, sig);
    busy.add(container);
    if (atStart && seenBeforeWatching(container)) held.set(container, sig);
    const hold = held.get(container) === sig;
    if (!watches.has(container)) watches.set(container, watchSeen(container));
    try {
      const candidates = items.map(itemFromElement).filter((c): c is Candidate => c !== undefined);
      const slot = container.dataset.pzRerank || 'default';
      const strength = hold ? '0' : container.dataset.pzPersonalization;
      const result = await client.rerank(candidates, {
        slot,
        ...(strength !== undefined ? { personalization: Number(strength) } : {}),
      });
      // The site may have re-rendered while we waited: only apply to the list we ranked.
      if (signature(container) !== sig) return;
      const shown = applyOrder(container, result);
      const listId = result.listId ?? '';
      container.dataset.pzList = listId;
      if (result.fellBack) container.dataset.pzFellBack = result.fellBack;
      else delete container.dataset.pzFellBack;
      container.dataset.pzReady = '';
      const ids = shown.map((el) => el.dataset.pzItem ?? '');
      if (listId) client.impression({ listId, slot, ids, ts: Date.now() });
      container.dispatchEvent(new CustomEvent('pz:reranked', { bubbles: true, detail: { slot, result } }));
      if (result.fellBack && !hold && lateDone.get(container) !== sig && !/^(consent|paused)/.test(result.fellBack)) rerankLate(container, sig);
      else {
        watches.get(container)?.stop();
        watches.delete(container);
      }
    } finally {
      busy.delete(container);
    }
  }

  /**
   * Late, but never jumpy: a slot that fell back to the server order is reranked once the worker is
   * ready, unless the shopper has seen it meanwhile (see `seen.ts`); then it keeps the server order.
   */
  function rerankLate(container: HTMLElement, sig: string): void {
    lateDone.set(container, sig);
    const watch = watches.get(container) ?? watchSeen(container);
    watches.set(container, watch);
    client.ready().then(
      () => {
        if (watch.seen() || signature(container) !== sig) return;
        signatures.delete(container);
        rerankSlot(container).catch(() => undefined);
      },
      () => {
        watch.stop();
        watches.delete(container);
      },
    );
  }

  const scan = (atStart = false) => {
    for (const el of Array.from(root.querySelectorAll<HTMLElement>(SLOT_SELECTOR))) {
      rerankSlot(el, atStart).catch(() => undefined);
    }
  };
  scan(true);
  if (typeof MutationObserver === 'undefined') return () => undefined;
  let queued = false;
  const observer = new MutationObserver(() => {
    if (queued) return;
    queued = true;
    queueMicrotask(() => {
      queued = false;
      scan();
    });
  });
  observer.observe(root instanceof Document ? root.documentElement : (root as Node), {
    childList: true,
    subtree: true,
  });
  return () => observer.disconnect();
}
