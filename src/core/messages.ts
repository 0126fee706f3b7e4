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
  'reason.item.add_to_cart': 'You added to cart this recently',
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
  const text = table?.[key] ?? MESSAGES[key];
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(params, name) ? (params[name] as string) : whole));
}

/**
 * The translation for `lang` from an untrusted messages file (`{ "<lang>": { "<key>": "<text>" } }`):
 * the exact language, else its base language; only known keys with non-empty strings of at most 200
 * characters. `undefined` when the file has nothing for that language.
 * @example readMessages({ de: { 'reason.buy-again': 'Wieder kaufen' } }, 'de-AT'); // { 'reason.buy-again': 'Wieder kaufen' }
 */
export function readMessages(file: unknown, lang: string | undefined): Messages | undefined {
  if (typeof file !== 'object' || file === null || !lang) return undefined;
  const tag = lang.trim().toLowerCase();
  const pick = (l: string): unknown => {
    for (const k of Object.keys(file)) if (k.toLowerCase() === l) return (file as Record<string, unknown>)[k];
    return undefined;
  };
  const raw = pick(tag) ?? pick(tag.split('-')[0] ?? '');
  if (typeof raw !== 'object' || raw === null) return undefined;
  const out: Messages = {};
  for (const key of Object.keys(MESSAGES) as MessageKey[]) {
    const v: unknown = Object.hasOwn(raw, key) ? (raw as Record<string, unknown>)[key] : undefined;
    if (typeof v === 'string' && v.trim() !== '' && v.length <= MAX_TEXT) out[key] = v;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
