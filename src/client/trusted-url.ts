/**
 * Trusted Types: pages with `require-trusted-types-for 'script'` accept only a `TrustedScriptURL` where a
 * script is loaded by URL (the worker). The library's one policy, `pz`, passes through only URLs of the
 * page's own origin (the worker must be same-origin anyway). A page that lists allowed policy names
 * (`trusted-types …`) adds `pz`. Without Trusted Types the URL is returned as a string.
 */
type Policy = { createScriptURL(url: string): unknown };
/** The Trusted Types factory; undeclared where the browser has none. */
declare const trustedTypes: { createPolicy(name: string, rules: { createScriptURL(u: string): string }): Policy };
let policy: Policy | null | undefined;

/** The URL as a `TrustedScriptURL` where Trusted Types exist, else as a string. Throws for another origin. */
export function trustedScriptUrl(url: string | URL): string {
  const u = new URL(url, location.href);
  const href = u.href;
  if (u.origin !== location.origin) throw new TypeError(`${href} is not same-origin`);
  if (policy === undefined)
    try {
      policy = trustedTypes.createPolicy('pz', { createScriptURL: (u) => u });
    } catch {
      // No Trusted Types in this browser (a ReferenceError), or the page's CSP does not allow a policy
      // named "pz" (the browser says so): plain strings from now on.
      policy = null;
    }
  return (policy ? policy.createScriptURL(href) : href) as string;
}
