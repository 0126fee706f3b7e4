/**
 * The keys of the records in the database's `meta` store, in a file of their own with no imports, so
 * a lazily loaded file that writes one does not carry the storage layer with it.
 */

/**
 * `meta` key of the events each batch holds (batch key → count), recorded by the full retention pass
 * and kept by every write and trim, so retention as the log grows reads no events
 * (`trimOldest` in retention.ts); a batch missing from it is counted (read once) when next needed.
 */
export const COUNTS_KEY = 'batch-counts';

/** `meta` key of the interests the shopper removed. */
export const REMOVED_KEY = 'removed-interests';
