import { afterEach, describe, expect, it, vi } from 'vitest';

/** A fresh copy of the module (it keeps its one policy for the page's life). */
const load = async () => {
  vi.resetModules();
  return (await import('../../src/client/trusted-url')).trustedScriptUrl;
};

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the worker URL under Trusted Types', () => {
  it('without Trusted Types: the same-origin URL as a string; another origin is refused, naming the URL', async () => {
    vi.stubGlobal('location', new URL('https://shop.example/cart'));
    const trusted = await load();
    expect(trusted('/static/pz-worker.js')).toBe('https://shop.example/static/pz-worker.js');
    expect(() => trusted('https://cdn.example/pz-worker.js')).toThrow(new TypeError('https://cdn.example/pz-worker.js is not same-origin'));
  });

  it('with Trusted Types: one policy named "pz", created once, makes every URL', async () => {
    vi.stubGlobal('location', new URL('https://shop.example/'));
    const created: string[] = [];
    vi.stubGlobal('trustedTypes', {
      createPolicy(name: string, rules: { createScriptURL(u: string): string }) {
        created.push(name);
        return { createScriptURL: (u: string) => ({ trusted: rules.createScriptURL(u) }) };
      },
    });
    const trusted = await load();
    expect(trusted('pz-worker.js')).toEqual({ trusted: 'https://shop.example/pz-worker.js' });
    expect(trusted(new URL('https://shop.example/w.js'))).toEqual({ trusted: 'https://shop.example/w.js' });
    expect(created).toEqual(['pz']);
    expect(() => trusted('https://evil.example/w.js')).toThrow(/is not same-origin/);
  });

  it('a CSP that refuses the policy leaves plain strings (the browser reports the refusal)', async () => {
    vi.stubGlobal('location', new URL('https://shop.example/'));
    let tries = 0;
    vi.stubGlobal('trustedTypes', {
      createPolicy() {
        tries++;
        throw new TypeError('Policy "pz" disallowed');
      },
    });
    const trusted = await load();
    expect(trusted('pz-worker.js')).toBe('https://shop.example/pz-worker.js');
    expect(trusted('pz-worker.js')).toBe('https://shop.example/pz-worker.js');
    expect(tries).toBe(1);
  });
});
