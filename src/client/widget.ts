/**
 * `<pz-recommendations>`: a ready-made, personalised product list for sites that want the rendering
 * done for them. Candidates come from a same-origin JSON URL (`src`) or the `candidates` property, in
 * server order; the list is reranked on the device and rendered as accessible cards in shadow DOM.
 *
 * Never blank, never throws: if the rerank is slower than `wait` ms the server order is shown at once,
 * and a late personalised order only replaces it while the shopper has not focused a card.
 *
 * Zero layout shift: the element's height is fixed by its attributes alone, before any data arrives:
 * a one-line heading (`1.75em` + `--pz-gap`, only with `heading`) and exactly `rows` rows of
 * `--pz-card-height` with `--pz-gap` between them. Cards that do not fit those rows scroll sideways
 * (a carousel), so the height never depends on the viewport or the number of cards. A reorder
 * replaces every card in one synchronous step (fresh boxes are not reported as shifts, see
 * dom-rerank.ts). To reserve the same space before `pz.js` itself has loaded, the page uses the
 * README's `pz-recommendations:not(:defined)` rule ({@link reservedHeight} is the same formula).
 */
import type { Personalizer } from './personalizer';
import { ElementBase, h, styledShadow } from './shadow';
import { siteTranslation } from './translation';
import { candidateList } from '../core/input/candidates';
import { readItemId } from '../core/input/item';
import { MESSAGES, message } from '../core/messages';
import { serverOrder } from '../core/rank/server-order';
import type { Candidate, Impression, ItemFeatures, RerankResult } from '../core/types';
import { PAGE_ITEM_SELECTOR } from './item-from-element';
import { viewTracker, type ViewTracker } from './view-tracker';

/** A candidate as the widget shows it: the public item features plus display fields. */
export interface WidgetCandidate extends Candidate {
  /**
   * Product image: an `https:` URL on any host (a CDN: the page's CSP `img-src` must allow it), a
   * same-origin URL, or a `data:image/…` URL; anything else shows a neutral placeholder (and under
   * `data-debug` the console says why).
   */
  image?: string;
  /** Product page: a same-origin URL. Without one the card is a button that fires `pz:select`. */
  url?: string;
}

/** Neutral local placeholder: never fetches anything, so foreign image URLs cost no request. */
const PLACEHOLDER =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 4 3'%3E%3Crect width='4' height='3' fill='%23e5e7eb'/%3E%3C/svg%3E";

/**
 * The height the element keeps from the start, as a CSS length: the README's reservation rule for the
 * page is this same formula.
 * @example reservedHeight(true); // 'calc(1.75em + var(--pz-gap,.75rem) + var(--pz-rows,1)*(var(--pz-card-height,16rem) + var(--pz-gap,.75rem)) - var(--pz-gap,.75rem))'
 */
export function reservedHeight(heading: boolean): string {
  return `calc(${heading ? '1.75em + var(--pz-gap,.75rem) + ' : ''}${LIST_HEIGHT})`;
}
const LIST_HEIGHT = 'var(--pz-rows,1)*(var(--pz-card-height,16rem) + var(--pz-gap,.75rem)) - var(--pz-gap,.75rem)';

const CSS =
  // One line of heading (1.25em × line-height 1.4 = 1.75em of the host's font) whatever its length.
  'h2{margin:0 0 var(--pz-gap,.75rem);font-size:1.25em;line-height:1.4;height:1.4em;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}' +
  // Exactly `rows` rows; columns beyond the width scroll sideways, so the height never changes.
  'ul{--_h:var(--pz-card-height,16rem);display:grid;grid-template-columns:repeat(var(--_cols,1),minmax(var(--pz-card-width,11rem),1fr));' +
  'grid-auto-rows:var(--_h);gap:var(--pz-gap,.75rem);list-style:none;margin:0;padding:0;' +
  `height:calc(${LIST_HEIGHT});overflow-x:auto;overflow-y:hidden;overscroll-behavior-x:contain;scrollbar-width:none;scroll-snap-type:x proximity}` +
  'ul::-webkit-scrollbar{display:none}li{min-width:0;scroll-snap-align:start}' +
  // Inside the card, so the scroller never clips the focus ring.
  '[part~=card]:focus-visible{outline-offset:-3px}' +
  '[part~=card]{box-sizing:border-box;display:flex;flex-direction:column;gap:.25rem;width:100%;height:100%;margin:0;padding:.5rem;' +
  'overflow:hidden;background:var(--pz-card-bg,Canvas);color:var(--pz-card-color,CanvasText);border:1px solid #0003;border-radius:var(--pz-radius,.5rem);' +
  'text-align:start;text-decoration:none;font:inherit}' +
  '[part~=card]:hover [part~=title]{text-decoration:underline}' +
  '[part~=image]{display:block;flex:none;width:100%;height:var(--pz-image-height,9rem);object-fit:cover;border-radius:calc(var(--pz-radius,.5rem)/2)}' +
  '[part~=title]{font-weight:600;overflow:hidden;display:-webkit-box;-webkit-line-clamp:2;-webkit-box-orient:vertical}' +
  '[part~=price]{color:var(--pz-accent,#1d4ed8);font-weight:700}[part~=reason]{font-size:.85em;opacity:.85}[part~=reason]:empty{display:none}';

/** A same-origin http(s) URL; anything else is refused (links and `src` never leave the shop). */
function safeUrl(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw === '') return undefined;
  try {
    const u = new URL(raw, document.baseURI);
    return u.origin === location.origin && /^https?:$/.test(u.protocol) ? u.href : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A product image URL: `data:image/…`, same-origin http(s), or `https:` on any host (CDNs). Returns
 * the URL or why it was refused.
 * @example imageUrl('https://cdn.example.com/a.jpg'); // { url: 'https://cdn.example.com/a.jpg' }
 */
export function imageUrl(raw: unknown): { url: string } | { refused: string } {
  if (raw === undefined || raw === null || raw === '') return { refused: 'no image given' };
  if (typeof raw !== 'string') return { refused: 'image must be a URL string' };
  if (/^data:image\//i.test(raw)) return { url: raw };
  let u: URL;
  try {
    u = new URL(raw, document.baseURI);
  } catch {
    return { refused: 'image is not a valid URL' };
  }
  if (u.origin === location.origin && /^https?:$/.test(u.protocol)) return { url: u.href };
  if (u.protocol === 'https:') return { url: u.href };
  return { refused: `only https:, same-origin and data:image/ URLs are shown, not ${u.protocol}` };
}

/** The public features of a candidate (what events carry): display fields stay out of the profile. */
function features(c: WidgetCandidate): ItemFeatures {
  const item: ItemFeatures = { id: readItemId(c) ?? String(c.id) };
  for (const k of ['category', 'brand', 'price', 'tags', 'title', 'consumable', 'embedding'] as const) {
    if (c[k] !== undefined) (item as unknown as Record<string, unknown>)[k] = c[k];
  }
  return item;
}

function warn(message: string): void {
  try {
    console.warn(`[pz] <pz-recommendations>: ${message}`);
  } catch {
    // no console
  }
}

function num(v: string | null): number | undefined {
  return v !== null && v !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined;
}

/**
 * The `<pz-recommendations>` element.
 *
 * Attributes: `src` (same-origin URL answering a JSON array of candidates or `{ "candidates": [...] }`),
 * `slot-name` (rerank slot, default `widget`), `limit`, `personalization` (0..1), `heading`, `rows`
 * (rows of cards, default 1; more cards scroll sideways), `currency` (ISO 4217 code for prices),
 * `wait` (ms to wait for the rerank before showing the server order, default 300), `exclude`
 * (comma-separated ids never shown; the page's `[data-pz-page-item]` is always excluded). A
 * `<template>` child replaces the card body; its `[data-field]` elements are filled with text
 * (`title`, `price`, `reason`, `brand`, `category`, …; an `<img data-field="image">` gets the image URL).
 *
 * Reflects progress in `data-pz-state` (`loading` → `shown` → `ready`, or `empty` / `error`), and like
 * `[data-pz-rerank]` slots sets `data-pz-list` / `data-pz-fell-back` and dispatches `pz:reranked`
 * (`detail: { slot, result }`). A button card (no `url`) dispatches `pz:select` (`detail: { item, position, slot }`).
 *
 * Parts: `heading`, `list`, `card`, `image`, `title`, `price`, `reason`. Custom properties:
 * `--pz-card-bg`, `--pz-card-color`, `--pz-accent`, `--pz-gap`, `--pz-card-width`, `--pz-card-height`,
 * `--pz-image-height`, `--pz-radius`, `--pz-font`, `--pz-rows`. Property: `candidates`, `personalizer`.
 * @example
 * <pz-recommendations src="/api/recs.json" heading="Picked for you" limit="8"></pz-recommendations>
 */
export class PzRecommendations extends ElementBase {
  /** The personalizer every instance uses unless its own `personalizer` is set (see `registerElements`). */
  // Fields are `declare`d and set in the constructor: the loader targets ES2020, where real class
  // fields compile to helper calls that cost the loader's size budget.
  declare static personalizer: Personalizer | undefined;
  /** Explain refused or failed images in the console (the loader sets it from `data-debug`). */
  declare static debug: boolean | undefined;
  static get observedAttributes(): string[] {
    return ['src', 'slot-name', 'limit', 'personalization', 'heading', 'rows', 'currency', 'wait', 'exclude'];
  }
  /** Overrides {@link PzRecommendations.personalizer} for this element. */
  declare personalizer: Personalizer | undefined;

  private declare readonly head: HTMLHeadingElement;
  private declare readonly list: HTMLUListElement;
  private declare given: WidgetCandidate[] | undefined;
  private declare fetched: { src: string; list: Promise<WidgetCandidate[]> } | undefined;
  private declare shown: { cands: WidgetCandidate[]; ids: string[]; listId?: string } | undefined;
  private declare cards: HTMLElement[];
  private declare gen: number;
  private declare queued: boolean;
  private declare viewed: Set<string>;
  private declare views: ViewTracker | undefined;

  constructor() {
    super();
    this.cards = [];
    this.gen = 0;
    this.queued = false;
    this.viewed = new Set();
    const root = styledShadow(this, CSS);
    this.head = h('h2', { part: 'heading', id: 'h', hidden: '' });
    this.list = h('ul', { part: 'list', role: 'list', 'aria-busy': 'true' });
    root.append(this.head, this.list);
    this.list.addEventListener('keydown', (e) => this.onKey(e));
    this.list.addEventListener('click', (e) => this.onClick(e));
    // Whatever the shopper focused (click or Tab) becomes the list's single tab stop.
    this.list.addEventListener('focusin', (e) => this.rove(this.cardIndex(e)));
    // pz.js loads async: a site may set `candidates` before the element is upgraded, which leaves an
    // own property shadowing the setter. Move it through the setter.
    if (Object.hasOwn(this, 'candidates')) {
      const early = this.candidates;
      delete (this as { candidates?: unknown }).candidates;
      this.candidates = early;
    }
  }

  /** Candidates in server order; setting them overrides `src` and reranks. */
  get candidates(): WidgetCandidate[] {
    return this.given ?? [];
  }
  set candidates(value: WidgetCandidate[]) {
    this.given = (candidateList(value) as WidgetCandidate[] | undefined) ?? [];
    this.schedule();
  }

  connectedCallback(): void {
    this.schedule();
  }

  disconnectedCallback(): void {
    this.gen++;
    this.views?.disconnect();
    this.views = undefined;
  }

  attributeChangedCallback(): void {
    if (this.isConnected) this.schedule();
  }

  private get slotName(): string {
    return this.getAttribute('slot-name') || 'widget';
  }

  /** Attribute changes arrive one by one: coalesce them into one load. */
  private schedule(): void {
    if (this.queued) return;
    this.queued = true;
    queueMicrotask(() => {
      this.queued = false;
      this.load().catch((err: unknown) => {
        const message = err instanceof Error ? err.message : String(err);
        this.setAttribute('data-pz-state', 'error');
        this.setAttribute('data-pz-error', message);
        warn(message);
      });
    });
  }

  private async load(): Promise<void> {
    if (!this.isConnected) return;
    const gen = ++this.gen;
    if (!this.shown) this.setAttribute('data-pz-state', 'loading');
    this.removeAttribute('data-pz-error');
    const heading = this.getAttribute('heading');
    this.head.textContent = heading;
    this.head.hidden = !heading;
    if (heading) {
      this.list.setAttribute('aria-labelledby', 'h');
      this.list.removeAttribute('aria-label');
    } else {
      this.list.setAttribute('aria-label', message('widget.list-label'));
      this.list.removeAttribute('aria-labelledby');
      const pz = this.personalizer ?? PzRecommendations.personalizer;
      // The site's translation (data-messages, picked by lang) replaces the English label once read.
      if (pz)
        siteTranslation(pz, MESSAGES).then((t) => {
          if (gen === this.gen && t?.['widget.list-label']) this.list.setAttribute('aria-label', message('widget.list-label', {}, t));
        });
    }
    const rows = num(this.getAttribute('rows'));
    if (rows !== undefined && rows >= 1) this.list.style.setProperty('--pz-rows', String(Math.floor(rows)));
    else this.list.style.removeProperty('--pz-rows');

    let cands = this.given;
    const src = this.getAttribute('src');
    if (!cands && src) {
      if (this.fetched?.src !== src) this.fetched = { src, list: fetchCandidates(src) };
      cands = await this.fetched.list;
      if (gen !== this.gen) return;
    }
    if (!cands) return;
    if (this.shown?.cands !== cands) this.viewed.clear();

    const limit = num(this.getAttribute('limit'));
    const strength = num(this.getAttribute('personalization'));
    const slot = this.slotName;
    const exclude = this.excluded();
    const pz = this.personalizer ?? PzRecommendations.personalizer;
    const t0 = performance.now();
    const fallback = (why: string) => serverOrder(cands, limit, why, performance.now() - t0, exclude);
    const ranked: Promise<RerankResult> = pz
      ? pz
          .rerank(cands, {
            slot,
            ...(limit !== undefined ? { limit } : {}),
            ...(strength !== undefined ? { personalization: strength } : {}),
            ...(exclude.length ? { exclude } : {}),
          })
          .catch((err: unknown) => fallback(String(err)))
      : Promise.resolve(fallback('no personalizer'));
    const wait = num(this.getAttribute('wait')) ?? 300;
    // wait="0" shows the server order at once (no race with a rerank that happens to be quick).
    const early = wait > 0 ? await Promise.race([ranked, new Promise<undefined>((r) => setTimeout(r, wait))]) : undefined;
    if (gen !== this.gen) return;
    if (!early) {
      this.render(cands, fallback(`rerank slower than ${wait} ms`), 'shown');
    }
    const result = early ?? (await ranked);
    if (gen !== this.gen) return;
    // A late order must not move cards under the shopper's keyboard focus.
    if (early || (!result.fellBack && !this.matches(':focus-within'))) this.render(cands, result, 'ready');
    else this.setAttribute('data-pz-state', 'ready');
    this.dispatchEvent(new CustomEvent('pz:reranked', { bubbles: true, detail: { slot, result } }));
  }

  /** Ids never shown: the `exclude` attribute's and the product the page shows (`[data-pz-page-item]`). */
  private excluded(): string[] {
    const ids = (this.getAttribute('exclude') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const pageItem = document.querySelector<HTMLElement>(PAGE_ITEM_SELECTOR)?.dataset.pzPageItem;
    if (pageItem) ids.push(pageItem);
    return ids;
  }

  private render(cands: WidgetCandidate[], result: RerankResult, state: string): void {
    const byId = new Map<string, WidgetCandidate>();
    for (const c of cands) {
      const id = readItemId(c);
      if (id !== undefined && !byId.has(id)) byId.set(id, c);
    }
    const limit = num(this.getAttribute('limit')) ?? Infinity;
    // An empty answer for a non-empty list would blank the widget: show the server order instead.
    const items = result.items.length ? result.items : serverOrder(cands, limit, 'empty result', 0, this.excluded()).items;
    const tpl = this.querySelector<HTMLTemplateElement>(':scope > template');
    const shown: WidgetCandidate[] = [];
    const lis: HTMLLIElement[] = [];
    for (const r of items) {
      const c = byId.get(r.id);
      if (!c || shown.length >= limit) continue;
      lis.push(this.card(c, r.reason, tpl));
      shown.push(c);
    }
    this.cards = lis.map((li) => li.firstElementChild as HTMLElement);
    this.cards[0]?.setAttribute('tabindex', '0');
    // Row-major order in exactly `rows` rows: as many columns as the cards need.
    const rows = Math.max(1, Math.floor(num(this.getAttribute('rows')) ?? 1));
    this.list.style.setProperty('--_cols', String(Math.max(1, Math.ceil(lis.length / rows))));
    this.list.replaceChildren(...lis);
    this.list.removeAttribute('aria-busy');
    const ids = shown.map((c) => readItemId(c) as string);
    this.shown = { cands, ids, ...(result.listId ? { listId: result.listId } : {}) };
    this.setAttribute('data-pz-state', lis.length ? state : 'empty');
    if (result.listId) this.setAttribute('data-pz-list', result.listId);
    else this.removeAttribute('data-pz-list');
    if (result.fellBack) this.setAttribute('data-pz-fell-back', result.fellBack);
    else this.removeAttribute('data-pz-fell-back');
    this.observe();
    // The shown order is what the learner needs to read the next click (position-aware). The public
    // Personalizer has no impression method yet; use it as soon as it does.
    const pz = (this.personalizer ?? PzRecommendations.personalizer) as
      | (Personalizer & { impression?: (i: Impression) => void })
      | undefined;
    if (result.listId && typeof pz?.impression === 'function') {
      pz.impression({ listId: result.listId, slot: this.slotName, ids, ts: Date.now() });
    }
  }

  private card(c: WidgetCandidate, reason: string | undefined, tpl: HTMLTemplateElement | null): HTMLLIElement {
    const href = safeUrl(c.url);
    const card = h(href ? 'a' : 'button', { part: 'card', tabindex: '-1' });
    if (href) card.setAttribute('href', href);
    else card.setAttribute('type', 'button');
    let body: DocumentFragment;
    if (tpl) body = tpl.content.cloneNode(true) as DocumentFragment;
    else {
      body = document.createDocumentFragment();
      for (const f of ['image', 'title', 'price', 'reason']) {
        body.append(h(f === 'image' ? 'img' : 'span', { part: f, 'data-field': f }));
      }
    }
    for (const el of Array.from(body.querySelectorAll<HTMLElement>('[data-field]'))) {
      const f = el.dataset.field ?? '';
      if (f === 'image' && el instanceof HTMLImageElement) {
        this.image(el, c);
        continue;
      }
      const v = f === 'price' ? this.price(c.price) : f === 'reason' ? reason : f === 'title' ? (c.title ?? c.id) : (c as unknown as Record<string, unknown>)[f];
      el.textContent = typeof v === 'string' || typeof v === 'number' ? String(v) : Array.isArray(v) ? v.join(', ') : '';
    }
    card.append(body);
    const li = h('li', { role: 'listitem' });
    li.append(card);
    return li;
  }

  private image(el: HTMLImageElement, c: WidgetCandidate): void {
    const read = imageUrl(c.image);
    const debug = PzRecommendations.debug === true;
    const id = readItemId(c) ?? '?';
    if ('refused' in read) {
      if (debug && c.image !== undefined) warn(`image of item ${id} refused: ${read.refused}`);
      el.src = PLACEHOLDER;
    } else {
      // Image hosts learn nothing about the page the shopper is on.
      el.referrerPolicy = 'no-referrer';
      el.addEventListener(
        'error',
        () => {
          if (debug) {
            const host = read.url.startsWith('data:') ? 'data:' : new URL(read.url).origin;
            warn(
              `image of item ${id} did not load (${read.url.slice(0, 120)}): the page's Content-Security-Policy img-src must allow ${host}, or the image host answered with an error`,
            );
          }
          el.src = PLACEHOLDER;
        },
        { once: true },
      );
      el.src = read.url;
    }
    // Decorative: the card's title already names the product.
    el.alt = '';
    el.loading = 'lazy';
    el.decoding = 'async';
  }

  private price(p: unknown): string {
    if (typeof p !== 'number' || !Number.isFinite(p)) return '';
    const currency = this.getAttribute('currency');
    try {
      return new Intl.NumberFormat(
        document.documentElement.lang || undefined,
        currency ? { style: 'currency', currency } : { minimumFractionDigits: 2, maximumFractionDigits: 2 },
      ).format(p);
    } catch {
      return p.toFixed(2);
    }
  }

  private cardIndex(e: Event): number {
    const card = e.target instanceof Element ? e.target.closest('[part~=card]') : null;
    return card ? this.cards.indexOf(card as HTMLElement) : -1;
  }

  /** Roving tabindex: exactly one card is in the tab order, so Tab moves past the whole list. */
  private rove(i: number, focus = false): void {
    const next = this.cards[i];
    if (!next) return;
    for (const c of this.cards) c.tabIndex = c === next ? 0 : -1;
    if (focus) next.focus();
  }

  private onKey(e: KeyboardEvent): void {
    const i = this.cardIndex(e);
    if (i < 0 || e.altKey || e.ctrlKey || e.metaKey) return;
    const rtl = getComputedStyle(this).direction === 'rtl';
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    const last = this.cards.length - 1;
    const to =
      e.key === 'Home' ? 0 : e.key === 'End' ? last : step ? Math.min(last, Math.max(0, i + (rtl ? -step : step))) : -1;
    if (to < 0) return;
    e.preventDefault();
    this.rove(to, true);
  }

  private onClick(e: MouseEvent): void {
    const position = this.cardIndex(e);
    const c = this.shown?.cands.find((x) => readItemId(x) === this.shown?.ids[position]);
    const pz = this.personalizer ?? PzRecommendations.personalizer;
    if (!c) return;
    const item = features(c);
    const slot = this.slotName;
    const listId = this.shown?.listId;
    pz?.track({ type: 'click', item, slot, position, ...(listId ? { listId } : {}) });
    // A link may unload the page before the batching timer fires: hand the click to the worker now.
    pz?.flush().catch(() => undefined);
    if (!c.url || !safeUrl(c.url)) {
      this.dispatchEvent(new CustomEvent('pz:select', { bubbles: true, detail: { item: c, position, slot } }));
    }
  }

  /** Views: the one "visible for a second" rule (view-tracker.ts), once per item and candidate list. */
  private observe(): void {
    this.views?.disconnect();
    const views = (this.views = viewTracker((card) => {
      const position = this.cards.indexOf(card as HTMLElement);
      const id = this.shown?.ids[position];
      const c = this.shown?.cands.find((x) => readItemId(x) === id);
      if (!c || id === undefined || this.viewed.has(id)) return;
      this.viewed.add(id);
      const listId = this.shown?.listId;
      (this.personalizer ?? PzRecommendations.personalizer)?.track({
        type: 'view',
        item: features(c),
        slot: this.slotName,
        position,
        ...(listId ? { listId } : {}),
      });
    }));
    for (const c of this.cards) views.observe(c);
  }
}

/** Fetches a same-origin candidate list: a JSON array or `{ "candidates": [...] }`; rejects with why otherwise. */
async function fetchCandidates(src: string): Promise<WidgetCandidate[]> {
  const url = safeUrl(src);
  if (!url) throw new TypeError(`src must be a same-origin URL, got ${src.slice(0, 120)}`);
  const res = await fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`src ${url} answered HTTP ${res.status}`);
  const list = candidateList(await res.json());
  if (!list) throw new TypeError(`src ${url} must answer a JSON array of candidates or { "candidates": [...] }`);
  return list as WidgetCandidate[];
}
