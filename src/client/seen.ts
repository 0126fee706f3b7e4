/**
 * Whether the shopper has seen an element: it was in the viewport for {@link SEEN_AFTER_MS}, or they
 * touched it (pointer over or down, focus, keys, touch, wheel). Tiles the shopper has seen are never
 * moved by a late rerank, so nothing jumps under their eyes or pointer; nor by a first one, when the
 * library started on a page that had long been showing them ({@link seenBeforeWatching}).
 */

/** In the viewport for this long counts as seen. */
export const SEEN_AFTER_MS = 300;

const INTERACTIONS = ['pointerover', 'pointerdown', 'focusin', 'keydown', 'touchstart', 'wheel'] as const;

/** Starts watching `el`; `seen()` answers from then on, `stop()` releases the observers. */
export function watchSeen(el: Element): { seen(): boolean; stop(): void } {
  let seen = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const mark = () => {
    seen = true;
    stop();
  };
  const io =
    typeof IntersectionObserver === 'undefined'
      ? undefined
      : new IntersectionObserver((entries) => {
          const visible = entries.some((e) => e.isIntersecting);
          if (visible && timer === undefined) timer = setTimeout(mark, SEEN_AFTER_MS);
          if (!visible && timer !== undefined) {
            clearTimeout(timer);
            timer = undefined;
          }
        });
  io?.observe(el);
  for (const type of INTERACTIONS) el.addEventListener(type, mark, { capture: true, passive: true });
  function stop(): void {
    io?.disconnect();
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    for (const type of INTERACTIONS) el.removeEventListener(type, mark, { capture: true });
  }
  // Without IntersectionObserver there is no telling what was seen: count it as seen.
  if (!io) seen = true;
  return { seen: () => seen, stop };
}

/**
 * Whether the shopper could already have seen `el` for {@link SEEN_AFTER_MS} before anything watched it:
 * the page's first contentful paint is at least that long ago, and `el` is rendered, not hidden by CSS
 * `visibility`, `opacity` or `display` (where the browser can tell), and in the viewport now. Meant for
 * what was in the page before the library started (a slow network delayed `pz.js`), not for what the
 * page adds later. Without a paint entry (a page never shown, a browser without paint timing) it says no.
 */
export function seenBeforeWatching(el: Element, now: number = performance.now()): boolean {
  const paint = performance.getEntriesByName('first-contentful-paint')[0];
  if (paint === undefined || now - paint.startTime < SEEN_AFTER_MS) return false;
  if (el.checkVisibility?.({ opacityProperty: true, visibilityProperty: true }) === false) return false;
  // An element that is not rendered (display: none) has an empty box at 0, 0, which this counts as out of view.
  const r = el.getBoundingClientRect();
  return r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth;
}
