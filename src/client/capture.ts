/**
 * Auto-capture: turns `data-pz-*` markup into shopper events with no site JavaScript.
 *
 * - `[data-pz-item]` tiles: `click`; `view` once ≥ 50 % visible for ≥ 1 s (IntersectionObserver).
 * - `[data-pz-action="add-to-cart|remove-from-cart|favorite|purchase"]` buttons: that event for the item
 *   named on the button or its closest item / page item.
 * - `[data-pz-page-item]` (a product page): a `view` with visible dwell time, sent when the page is
 *   hidden or left (single-page-app navigation included).
 * - `form[data-pz-search]`: a `search` event with the query of {@link searchField}; the library keeps
 *   it on the device (the form itself still submits to the shop as the page made it).
 */
import type { Client } from './client';
import { ITEM_SELECTOR, PAGE_ITEM_SELECTOR, itemFromElement } from './item-from-element';
import type { DeviceClass, EventType, ShopperEvent } from '../core/types';
import { SLOT_SELECTOR, slotItems } from './dom-rerank';
import { viewTracker } from './view-tracker';

const ACTIONS: Record<string, EventType> = {
  'add-to-cart': 'add_to_cart',
  'remove-from-cart': 'remove_from_cart',
  favorite: 'favorite',
  purchase: 'purchase',
  click: 'click',
  view: 'view',
};

/** Coarse device class from the viewport and pointer; nothing finer is ever recorded. */
export function deviceClass(): DeviceClass {
  try {
    const w = innerWidth;
    const coarse = matchMedia('(pointer: coarse)').matches;
    if (coarse && w < 768) return 'mobile';
    if (coarse) return 'tablet';
    return 'desktop';
  } catch {
    return 'unknown';
  }
}

/** Where an item element sits: its slot, position and shown-list id, when it is in a slot. */
function placement(el: Element): Pick<ShopperEvent, 'slot' | 'position' | 'listId'> {
  const container = el.parentElement?.closest<HTMLElement>(SLOT_SELECTOR);
  if (!container || el.parentElement !== container) return {};
  const position = slotItems(container).indexOf(el as HTMLElement);
  const out: Pick<ShopperEvent, 'slot' | 'position' | 'listId'> = { slot: container.dataset.pzRerank || 'default' };
  if (position >= 0) out.position = position;
  if (container.dataset.pzList) out.listId = container.dataset.pzList;
  return out;
}

/**
 * The query field of a `data-pz-search` form: its `type=search` input, else its `name=q` input, else
 * its first visible text input. Hidden inputs (`type=hidden`, `hidden`, not rendered) never count.
 */
export function searchField(form: HTMLFormElement): HTMLInputElement | undefined {
  const inputs = Array.from(form.querySelectorAll('input'));
  const visible = (el: HTMLInputElement) => el.type !== 'hidden' && !el.hidden && el.getClientRects().length > 0;
  return (
    inputs.find((el) => el.type === 'search') ??
    inputs.find((el) => el.name === 'q' && el.type !== 'hidden') ??
    inputs.find((el) => el.type === 'text' && visible(el))
  );
}

/** Options for {@link startCapture}. */
export interface CaptureOptions {
  /** Visible share and time that make an impression a view (defaults from `view-tracker.ts`). */
  viewThreshold?: number;
  viewDelayMs?: number;
}

/**
 * Starts auto-capture on the document. `early` are clicks and submits seen before it started (the
 * script-tag loader buffers them while the client file loads): they are tracked first, through the
 * same handlers, with the time they happened. Returns a function that stops capture.
 */
export function startCapture(client: Client, opts: CaptureOptions = {}, early: readonly Event[] = []): () => void {
  const device = deviceClass();
  const track = (e: ShopperEvent) => client.track({ ...e, device });
  const stops: (() => void)[] = [];
  const on = <E extends Event>(type: string, fn: (ev: E) => void, target: EventTarget = document) => {
    const guarded = (ev: Event) => {
      try {
        fn(ev as E);
      } catch {
        // Never let capture break the host page.
      }
    };
    target.addEventListener(type, guarded, { capture: true, passive: true });
    stops.push(() => target.removeEventListener(type, guarded, { capture: true }));
  };

  /** The shopper event a click on `data-pz-*` markup is, if any. */
  const fromClick = (ev: Event): ShopperEvent | undefined => {
    const target = ev.target instanceof Element ? ev.target : null;
    if (!target) return undefined;
    const action = target.closest<HTMLElement>('[data-pz-action]');
    if (action) {
      const type = ACTIONS[action.dataset.pzAction ?? ''];
      const host = action.matches(`${ITEM_SELECTOR},${PAGE_ITEM_SELECTOR}`)
        ? action
        : action.closest(`${ITEM_SELECTOR},${PAGE_ITEM_SELECTOR}`) ?? document.querySelector(PAGE_ITEM_SELECTOR);
      const item = host ? itemFromElement(host) : undefined;
      if (!type || !item) return undefined;
      const value = action.dataset.pzValue !== undefined ? Number(action.dataset.pzValue) : undefined;
      return { type, item, ...(value !== undefined ? { value } : {}), ...(host ? placement(host) : {}) };
    }
    const tile = target.closest(ITEM_SELECTOR);
    const item = tile ? itemFromElement(tile) : undefined;
    return tile && item ? { type: 'click', item, ...placement(tile) } : undefined;
  };
  /** The search event a `data-pz-search` form's submit is, if any. */
  const fromSubmit = (ev: Event): ShopperEvent | undefined => {
    const form = ev.target instanceof HTMLFormElement ? ev.target : null;
    if (!form?.hasAttribute('data-pz-search')) return undefined;
    const query = searchField(form)?.value.trim();
    return query ? { type: 'search', query: query.slice(0, 200) } : undefined;
  };
  const read = (ev: Event) => (ev.type === 'click' ? fromClick(ev) : ev.type === 'submit' ? fromSubmit(ev) : undefined);
  for (const ev of early) {
    try {
      // Live events are stamped by the client; a buffered one keeps when it happened (Event.timeStamp
      // is on the performance clock: that far before now).
      const e = read(ev);
      if (e) track({ ...e, ts: Math.round(Date.now() - (performance.now() - ev.timeStamp)) });
    } catch {
      // Never let capture break the host page.
    }
  }
  const live = (ev: Event) => {
    const e = read(ev);
    if (e) track(e);
  };
  on('click', live);
  on('submit', live);

  // Views: the one "visible for a second" rule, once per element and page.
  const views = viewTracker(
    (el) => {
      const item = itemFromElement(el);
      if (item) track({ type: 'view', item, ...placement(el) });
    },
    { ...(opts.viewThreshold !== undefined ? { threshold: opts.viewThreshold } : {}), ...(opts.viewDelayMs !== undefined ? { delayMs: opts.viewDelayMs } : {}) },
  );
  const observed = new WeakSet<Element>();
  const observeAll = () => {
    for (const el of Array.from(document.querySelectorAll(ITEM_SELECTOR))) {
      if (observed.has(el)) continue;
      observed.add(el);
      views.observe(el);
    }
  };
  observeAll();
  if (typeof MutationObserver !== 'undefined') {
    const mo = new MutationObserver(observeAll);
    mo.observe(document.documentElement, { childList: true, subtree: true });
    stops.push(() => mo.disconnect());
  }
  stops.push(() => views.disconnect());

  // Product page dwell: visible time only, reported when the page hides or the SPA navigates away.
  let pageItem: { el: Element; visibleMs: number; since: number | undefined } | undefined;
  const now = () => performance.now();
  const closePageItem = () => {
    if (!pageItem) return;
    if (pageItem.since !== undefined) pageItem.visibleMs += now() - pageItem.since;
    const item = itemFromElement(pageItem.el);
    if (item) track({ type: 'view', item, dwellMs: Math.round(pageItem.visibleMs) });
    pageItem = undefined;
  };
  const openPageItem = () => {
    const el = document.querySelector(PAGE_ITEM_SELECTOR);
    if (el === pageItem?.el) return;
    closePageItem();
    if (el) pageItem = { el, visibleMs: 0, since: document.visibilityState === 'visible' ? now() : undefined };
  };
  openPageItem();
  on('visibilitychange', () => {
    if (!pageItem) return;
    if (document.visibilityState === 'hidden') {
      closePageItem();
      client.flush().catch(() => undefined);
    } else if (pageItem.since === undefined) pageItem.since = now();
  });
  on(
    'pagehide',
    () => {
      closePageItem();
      client.flush().catch(() => undefined);
    },
    window,
  );

  // Single-page apps: follow history navigation and look for the new page's product.
  const onNavigate = () => setTimeout(() => {
    try {
      openPageItem();
    } catch {
      // ignore
    }
  }, 0);
  const hist = history as History & { __pzPatched?: boolean };
  if (!hist.__pzPatched) {
    hist.__pzPatched = true;
    for (const method of ['pushState', 'replaceState'] as const) {
      const original = hist[method];
      hist[method] = function (this: History, ...args: Parameters<History['pushState']>) {
        const r = original.apply(this, args);
        window.dispatchEvent(new Event('pz:navigate'));
        return r;
      };
    }
  }
  on('popstate', onNavigate, window);
  on('pz:navigate', onNavigate, window);
  if (typeof MutationObserver !== 'undefined') {
    // Frameworks may render the product after the URL changes.
    const mo = new MutationObserver(() => {
      if (!pageItem?.el.isConnected) onNavigate();
    });
    mo.observe(document.documentElement, { childList: true, subtree: true });
    stops.push(() => mo.disconnect());
  }

  return () => {
    closePageItem();
    for (const s of stops) s();
  };
}
