import { afterEach, describe, expect, it, vi } from 'vitest';
import { browserSaysNo, startingState } from '../../src/client/starting-state';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the state a page starts in', () => {
  it('Global Privacy Control or Do Not Track make the default denied, unless the site turns the signals off', () => {
    for (const nav of [{ globalPrivacyControl: true }, { doNotTrack: '1' }]) {
      vi.stubGlobal('navigator', nav);
      expect(browserSaysNo()).toBe(true);
      expect(startingState(undefined, {})).toEqual({ consent: 'denied', paused: false });
      expect(startingState(undefined, {}, true).consent).toBe('denied');
      expect(startingState(undefined, {}, false).consent).toBe('granted');
      // The site's own state and a remembered choice still apply.
      expect(startingState('pending', {}).consent).toBe('pending');
      expect(startingState(undefined, { consent: 'granted' }).consent).toBe('granted');
    }
  });

  it('without the signals: granted, the site state, or the stricter of the site and the remembered choice', () => {
    vi.stubGlobal('navigator', { globalPrivacyControl: false, doNotTrack: '0' });
    expect(browserSaysNo()).toBe(false);
    expect(startingState(undefined, {})).toEqual({ consent: 'granted', paused: false });
    expect(startingState('granted', { consent: 'denied', paused: true })).toEqual({ consent: 'denied', paused: true });
    expect(startingState('denied', { consent: 'granted' }).consent).toBe('denied');
  });

  it('paused only when the remembered choice says so', () => {
    vi.stubGlobal('navigator', {});
    expect(startingState(undefined, { paused: true }).paused).toBe(true);
    expect(startingState(undefined, { paused: false }).paused).toBe(false);
    expect(startingState(undefined, {}).paused).toBe(false);
  });
});
