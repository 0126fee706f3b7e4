/** Library version, replaced at build time. */
declare const __PZ_VERSION__: string | undefined;

/** The library's version (package.json's, stamped into every bundle at build time). */
export const VERSION: string = typeof __PZ_VERSION__ === 'string' ? __PZ_VERSION__ : '0.1.0';
