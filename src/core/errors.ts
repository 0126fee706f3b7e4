/**
 * The one error module. Every error the library throws or reports carries a name from
 * {@link ERROR_NAMES}, the field at fault and a message that reads on its own:
 * `String(err)` is `InvalidEventError: item.price must be a finite number ≥ 0, got "abc"`.
 * Native IndexedDB errors (`QuotaExceededError`, `VersionError`, …) pass through with their own names.
 */

/** Every error name, listed once. */
export const ERROR_NAMES = /* @__PURE__ */ Object.freeze([
  'InvalidEventError',
  'InvalidDeclaredError',
  'InvalidProfileError',
  'InvalidPriorError',
  'InvalidModelError',
  'InvalidCentroidsError',
  'InvalidExampleError',
  'InvalidQuestionError',
  'ModelStateError',
  'ConsentError',
  'ErasedError',
  'BlockedError',
  'StorageUnavailableError',
  'UsageError',
  'InputError',
  'SqlParameterError',
  'SqlRunError',
] as const);

/** One of {@link ERROR_NAMES}. */
export type PzErrorName = (typeof ERROR_NAMES)[number];

/**
 * The base of every library error: a name from {@link ERROR_NAMES}, the offending `field` and a message.
 * @example
 * try { checkCentroidFile(raw); } catch (e) { if (e instanceof PzError) console.warn(e.name, e.field); }
 */
export class PzError extends Error {
  override readonly name: PzErrorName;
  constructor(
    name: PzErrorName,
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = name;
  }
}

/** A subclass of {@link PzError} fixed to one name, so `instanceof` and the name always agree. */
function named<N extends PzErrorName>(name: N) {
  return class extends PzError {
    declare readonly name: N;
    constructor(field: string, message: string) {
      super(name, field, message);
    }
  };
}

/** A shopper event failed validation; `field` names the offending field (e.g. `item.price`). */
export const InvalidEventError = named('InvalidEventError');
export type InvalidEventError = InstanceType<typeof InvalidEventError>;
/** A declared attribute had a bad key or value. */
export const InvalidDeclaredError = named('InvalidDeclaredError');
export type InvalidDeclaredError = InstanceType<typeof InvalidDeclaredError>;
/** Stored data is not a shopper profile of a known version; the profile is rebuilt from the log. */
export const InvalidProfileError = named('InvalidProfileError');
export type InvalidProfileError = InstanceType<typeof InvalidProfileError>;
/** The site's prior file was malformed. */
export const InvalidPriorError = named('InvalidPriorError');
export type InvalidPriorError = InstanceType<typeof InvalidPriorError>;
/** The site's propensity model was malformed. */
export const InvalidModelError = named('InvalidModelError');
export type InvalidModelError = InstanceType<typeof InvalidModelError>;
/** The site's segment centroid file was malformed. */
export const InvalidCentroidsError = named('InvalidCentroidsError');
export type InvalidCentroidsError = InstanceType<typeof InvalidCentroidsError>;
/** A training example was malformed; nothing was learnt from that call. */
export const InvalidExampleError = named('InvalidExampleError');
export type InvalidExampleError = InstanceType<typeof InvalidExampleError>;
/** The site's report questions were malformed; no report is sent. */
export const InvalidQuestionError = named('InvalidQuestionError');
export type InvalidQuestionError = InstanceType<typeof InvalidQuestionError>;
/** A stored learner state cannot be used (layout, version or feature schema). */
export const ModelStateError = named('ModelStateError');
export type ModelStateError = InstanceType<typeof ModelStateError>;
/** Events reached the worker while consent is not granted: refused, not kept. */
export const ConsentError = named('ConsentError');
export type ConsentError = InstanceType<typeof ConsentError>;
/** The event happened before the shopper erased their data (in this or another tab): not kept. */
export const ErasedError = named('ErasedError');
export type ErasedError = InstanceType<typeof ErasedError>;
/** Another tab keeps an older version of the database open past the deadline; the worker goes on in memory. */
export const BlockedError = named('BlockedError');
export type BlockedError = InstanceType<typeof BlockedError>;
/** Stored data exists but cannot be reached now: an answer without it would be untrue. */
export const StorageUnavailableError = named('StorageUnavailableError');
export type StorageUnavailableError = InstanceType<typeof StorageUnavailableError>;

/**
 * `Name: message` for any thrown value, the form errors take across the worker boundary.
 * @example describeError(new ErasedError('ts', 'the event happened before the data was erased'));
 */
export function describeError(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
/** A command-line tool (`npm run site`, `npm run train-prior`, …) got a bad argument; `field` names it. */
export const UsageError = named('UsageError');
export type UsageError = InstanceType<typeof UsageError>;
/** The site pipeline cannot read an input; `field` names the input. */
export const InputError = named('InputError');
export type InputError = InstanceType<typeof InputError>;
/** A pipeline SQL file needs a named parameter the caller did not give; `field` is `$name`. */
export const SqlParameterError = named('SqlParameterError');
export type SqlParameterError = InstanceType<typeof SqlParameterError>;
/** A pipeline SQL statement failed in the engine; `field` names the file, the message the statement. */
export const SqlRunError = named('SqlRunError');
export type SqlRunError = InstanceType<typeof SqlRunError>;
