/**
 * Whether the shopper has seen an element: it was in the viewport for {@link SEEN_AFTER_MS}, or they
 * touched it (pointer over or down, focus, keys, touch, wheel). Tiles the shopper has seen are never
 * moved by a late rerank, so nothing jumps under their eyes or pointer.
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
