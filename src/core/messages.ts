/**
 * The one message table: every reason the reranker gives and every label the elements show, with
 * English defaults. A site translates by publishing a JSON file of `{ "<lang>": { "<key>": "<text>" } }`
 * (`data-messages` on the script tag, `messagesUrl` for bundlers); the page's `<html lang>` picks the
 * language (`de-CH` falls back to `de`), and a key the file does not give keeps its English text.
 */

/** English defaults; `{name}`-style placeholders are filled by {@link message}. */
export const MESSAGES = Object.freeze({
  'reason.category.often': 'You often look at {category}',
  'reason.category.once': 'You looked at {category}',
  'reason.brand': 'You like {brand}',
  'reason.price': 'In your usual price range',
  'reason.tags': 'Matches what you usually pick',
  'reason.buy-again': 'Buy again',
  'reason.item.view': 'You viewed this recently',
  'reason.item.click': 'You looked at this recently',
  'reason.item.rating': 'You rated this recently',
  'reason.item.favorite': 'You saved this recently',
  'reason.item.add_to_cart': 'You added this to your cart recently',
  'reason.item.purchase': 'You bought this recently',
  'reason.similar': 'Similar to what you viewed',
  'reason.similar.view': 'Like items you viewed',
  'reason.similar.click': 'Like items you looked at',
  'reason.similar.rating': 'Like items you rated',
  'reason.similar.favorite': 'Like items you saved',
  'reason.similar.add_to_cart': 'Like items you added to cart',
  'reason.similar.purchase': 'Like items you bought',
  'reason.explore': 'Exploring something new',
  'widget.list-label': 'Recommended products',
});

/**
 * English defaults of the privacy panel's texts (`<pz-privacy-panel>`): the `panel.*` keys of the same
 * table, translated in the same file. Kept apart from {@link MESSAGES} only so the worker, which needs
 * the reasons, does not ship them (`@__PURE__` lets the bundler drop this part where it is unused).
 */
export const PANEL_MESSAGES = /* @__PURE__ */ Object.freeze({
  'panel.heading': 'Your data on this device',
  'panel.personalisation': 'Personalisation',
  'panel.on': 'On',
  'panel.off': 'Off',
  'panel.pause': 'Pause personalisation',
  'panel.resume': 'Resume personalisation',
  'panel.download': 'Download my data',
  'panel.erase': 'Erase everything',
  'panel.erase.question': 'Erase every event, your profile and the learned model on this device? This cannot be undone.',
  'panel.erase.yes': 'Yes, erase',
  'panel.cancel': 'Cancel',
  'panel.stored-events': 'Stored events',
  'panel.state.pending': 'Waiting for your consent',
  'panel.state.off': 'Off: nothing new is stored',
  'panel.state.paused': 'Paused: you see the shop’s own order',
  'panel.state.on': 'On',
  'panel.intent': 'Purchase intent',
  'panel.intent.low': 'low ({percent} %)',
  'panel.intent.medium': 'medium ({percent} %)',
  'panel.intent.high': 'high ({percent} %)',
  'panel.price': 'Typical price',
  'panel.interests': 'Your top interests',
  'panel.interest': '{name} ({kind}, {percent} %)',
  'panel.kind.category': 'category',
  'panel.kind.brand': 'brand',
  'panel.kind.tag': 'tag',
  'panel.chart': 'Top interests: {list}',
  'panel.remove': 'Remove',
  'panel.remove.label': 'Remove {name}',
  'panel.removed': 'Removed interests',
  'panel.restore': 'Restore',
  'panel.restore.label': 'Restore {name}',
  'panel.segments': 'Segments and why',
  'panel.why': 'Why these items ({slot})',
  'panel.why.item': '{name}: {reason}',
  'panel.why.moved': '{name}: {reason} (moved from {from} to {to})',
  'panel.why.shop-order': 'in the shop’s order',
  'panel.timeline': 'Recent activity',
  'panel.event.view': 'Viewed',
  'panel.event.click': 'Opened',
  'panel.event.add_to_cart': 'Added to cart',
  'panel.event.remove_from_cart': 'Removed from cart',
  'panel.event.favorite': 'Saved',
  'panel.event.purchase': 'Bought',
  'panel.event.rating': 'Rated',
  'panel.event.search': 'Searched for',
  'panel.reports': 'Shared with this shop',
  'panel.reports.summary':
    '{count} reports in the last weeks, each randomized on this device (ε {spent}); privacy budget left this week: ε {left} of {budget}.',
  'panel.reports.item': '{time}: answer to “{question}” (ε {epsilon})',
  'panel.said.read-failed': 'Could not read the stored data.',
  'panel.said.removed': '{name} was removed and will not be used.',
  'panel.said.restored': '{name} can be learned again.',
  'panel.said.change-failed': 'Could not change {name}.',
  'panel.said.on': 'Personalisation is on.',
  'panel.said.off': 'Personalisation is off: nothing new is stored.',
  'panel.said.paused': 'Personalisation is paused: you see the shop’s own order; your activity is still kept.',
  'panel.said.resumed': 'Personalisation resumed.',
  'panel.said.downloaded': 'Downloaded {count} events as {file}.',
  'panel.said.download-failed': 'The download failed.',
  'panel.said.erased': 'Everything stored on this device was erased.',
  'panel.said.erase-failed': 'Erasing failed; please try again.',
});

/** A key of the panel's part of the table. */
export type PanelKey = keyof typeof PANEL_MESSAGES;

/** A (partial) translation of the panel's texts; missing keys use the English default. */
export type PanelMessages = Partial<Record<PanelKey, string>>;

/** A key of the message table. */
export type MessageKey = keyof typeof MESSAGES;

/** A (partial) translation of the table; missing keys use the English default. */
export type Messages = Partial<Record<MessageKey, string>>;

/** Longest translated text that is kept. */
const MAX_TEXT = 200;

/**
 * The text of `key` from `table` (else English) with `{placeholders}` filled from `params`.
 * @example message('reason.brand', { brand: 'Rouge' }); // 'You like Rouge'
 */
export function message(key: MessageKey, params: Record<string, string> = {}, table?: Messages): string {
  return fill(table?.[key] ?? MESSAGES[key], params);
}

/**
 * `text` with its `{placeholders}` filled from `params`; unknown placeholders stay as they are.
 * @example fill('Remove {name}', { name: 'Rouge' }); // 'Remove Rouge'
 */
export function fill(text: string, params: Record<string, string> = {}): string {
  // Most texts have no placeholder (a reason is asked for up to 100 items of a list).
  if (!text.includes('{')) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(params, name) ? (params[name] as string) : whole));
}

/**
 * The translation for `lang` from an untrusted messages file (`{ "<lang>": { "<key>": "<text>" } }`):
 * the exact language, else its base language; only known keys with non-empty strings of at most 200
 * characters. Known keys are those of `defaults` ({@link MESSAGES}, or {@link PANEL_MESSAGES} for the
 * panel). `undefined` when the file has nothing for that language.
 * @example readMessages({ de: { 'reason.buy-again': 'Wieder kaufen' } }, 'de-AT'); // { 'reason.buy-again': 'Wieder kaufen' }
 */
export function readMessages<T extends Readonly<Record<string, string>> = typeof MESSAGES>(
  file: unknown,
  lang: string | undefined,
  defaults: T = MESSAGES as unknown as T,
): Partial<Record<keyof T & string, string>> | undefined {
  if (typeof file !== 'object' || file === null || !lang) return undefined;
  const tag = lang.trim().toLowerCase();
  const pick = (l: string): unknown => {
    for (const k of Object.keys(file)) if (k.toLowerCase() === l) return (file as Record<string, unknown>)[k];
    return undefined;
  };
  const raw = pick(tag) ?? pick(tag.split('-')[0] ?? '');
  if (typeof raw !== 'object' || raw === null) return undefined;
  const out: Partial<Record<keyof T & string, string>> = {};
  for (const key of Object.keys(defaults) as (keyof T & string)[]) {
    const v: unknown = Object.hasOwn(raw, key) ? (raw as Record<string, unknown>)[key] : undefined;
    if (typeof v === 'string' && v.trim() !== '' && v.length <= MAX_TEXT) out[key] = v;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
