/**
 * The one "visible for a second" rule behind every `view` of a tile or card: an element at least
 * {@link VIEW_THRESHOLD} visible for {@link VIEW_DELAY_MS} without interruption is seen. Used by the
 * markup capture (`capture.ts`) and by `<pz-recommendations>` (`widget.ts`).
 */

/** Share of an element that must be visible. */
export const VIEW_THRESHOLD = 0.5;
/** Time it must stay visible, in ms. */
export const VIEW_DELAY_MS = 1000;

/** Options of {@link viewTracker}; the defaults are the constants above. */
export interface ViewTrackerOptions {
  threshold?: number;
  delayMs?: number;
}

/** What {@link viewTracker} returns. */
export interface ViewTracker {
  /** Starts watching an element (again); it is reported at most once per `observe`. */
  observe(el: Element): void;
  /** Stops watching every element and clears pending timers. */
  disconnect(): void;
}

/**
 * Calls `onView(el)` once an observed element has been at least `threshold` visible for `delayMs`
 * without interruption, then stops watching it. Scrolling away before the delay cancels the timer.
 * Without IntersectionObserver nothing is reported.
 * @example
 * const views = viewTracker((el) => track({ type: 'view', item: itemFromElement(el) }));
 * for (const tile of document.querySelectorAll('[data-pz-item]')) views.observe(tile);
 */
export function viewTracker(onView: (el: Element) => void, options: ViewTrackerOptions = {}): ViewTracker {
  const threshold = options.threshold ?? VIEW_THRESHOLD;
  const delay = options.delayMs ?? VIEW_DELAY_MS;
  const timers = new Map<Element, ReturnType<typeof setTimeout>>();
  const stop = (el: Element) => {
    const t = timers.get(el);
    if (t !== undefined) clearTimeout(t);
    timers.delete(el);
  };
  if (typeof IntersectionObserver === 'undefined') return { observe: () => undefined, disconnect: () => undefined };
  const io = new IntersectionObserver(
    (entries) => {
      for (const { target, isIntersecting, intersectionRatio } of entries) {
        if (!isIntersecting || intersectionRatio < threshold) {
          stop(target);
          continue;
        }
        if (timers.has(target)) continue;
        timers.set(
          target,
          setTimeout(() => {
            timers.delete(target);
            io.unobserve(target);
            if (!target.isConnected) return;
            try {
              onView(target);
            } catch {
              // A view callback must never break the page.
            }
          }, delay),
        );
      }
    },
    { threshold: [0, threshold] },
  );
  return {
    observe(el) {
      io.observe(el);
    },
    disconnect() {
      io.disconnect();
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
    },
  };
}
