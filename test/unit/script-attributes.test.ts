import { afterEach, describe, expect, it, vi } from 'vitest';
import { numberAttribute, scriptOptions } from '../../src/client/script-attributes';

const base = 'https://shop.example/static/pz.js';
const start = (data: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  data,
  base,
  workerUrl: 'https://shop.example/static/pz-worker.js',
  dbName: 'on-device-personalizer',
  ...extra,
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("the script tag's attributes the client file reads", () => {
  it('numbers: a finite number, else undefined', () => {
    expect(numberAttribute('120')).toBe(120);
    expect(numberAttribute('0.5')).toBe(0.5);
    expect(numberAttribute('')).toBeUndefined();
    expect(numberAttribute('abc')).toBeUndefined();
    expect(numberAttribute('Infinity')).toBeUndefined();
    expect(numberAttribute(undefined)).toBeUndefined();
  });

  it("resolves data-prior, data-segments and data-messages against the script's URL, data-report against the page's; takes what pz.js read", () => {
    vi.stubGlobal('document', { documentElement: { lang: 'de-CH' } });
    vi.stubGlobal('location', { href: 'https://shop.example/shoes/page.html' });
    const options = scriptOptions(
      start(
        { prior: 'site/prior.json', segments: '/site/segments.json', messages: 'messages.json', report: 'pz/report', budgetMs: '80', personalization: '0.4', debug: '' },
        { consent: 'pending', dbName: 'shop-db', readyTimeoutMs: 1200 },
      ),
    );
    expect(options).toEqual({
      workerUrl: 'https://shop.example/static/pz-worker.js',
      debug: true,
      consent: 'pending',
      dbName: 'shop-db',
      readyTimeoutMs: 1200,
      personalization: 0.4,
      priorUrl: 'https://shop.example/static/site/prior.json',
      segmentsUrl: 'https://shop.example/site/segments.json',
      messagesUrl: 'https://shop.example/static/messages.json',
      lang: 'de-CH',
      reportUrl: 'https://shop.example/shoes/pz/report',
      budgetMs: 80,
    });
  });

  it('leaves out what the tag does not set or sets unusably; data-debug="false" is off', () => {
    vi.stubGlobal('document', { documentElement: { lang: '' } });
    vi.stubGlobal('location', { href: 'https://shop.example/' });
    const options = scriptOptions(start({ budgetMs: 'soon', personalization: 'high', report: 'http://[', debug: 'false' }));
    expect(options).toEqual({ workerUrl: 'https://shop.example/static/pz-worker.js', debug: false, dbName: 'on-device-personalizer' });
  });
});
