import { describe, expect, it } from 'vitest';
import { type RequestRow, classify, verdict, workerRow } from '../../src/demo/network';

const origin = 'https://shop.example';
const row = (url: string, initiator = 'img', reportPath?: string): RequestRow => ({ ...classify(url, initiator, origin, reportPath), bytes: 1, size: 1, status: 200, ms: 1 });

describe('demo network drawer', () => {
  it('a plain same-origin download of a shop file is a static file', () => {
    for (const p of ['/', '/index.html', '/assets/index-x.js', '/catalog/images/1.webp', '/api/product/3.json', '/site/segments.json', '/pz.js', '/pz-panel.js', '/pz-worker.js', '/pz-chunks/rng-1.js']) {
      expect(row(`${origin}${p}`).kind, p).toBe('static');
    }
  });

  it('another site, a query string, a beacon or an unknown path could carry something', () => {
    expect(row('https://tracker.example/pixel.gif')).toMatchObject({ kind: 'unexpected', why: 'another site (tracker.example)' });
    expect(row(`${origin}/api/home.json?u=42`)).toMatchObject({ kind: 'unexpected', why: 'carries a query string' });
    expect(row(`${origin}/pz.js`, 'beacon')).toMatchObject({ kind: 'unexpected', why: 'sent with beacon' });
    expect(row(`${origin}/collect`)).toMatchObject({ kind: 'unexpected' });
  });

  it('the data-report endpoint is a report, not an unknown request', () => {
    expect(row(`${origin}/pz-report`, 'fetch', '/pz-report').kind).toBe('report');
    expect(row(`${origin}/pz-report`, 'fetch').kind).toBe('unexpected');
  });

  it('the verdict says nothing was sent only when every request is a static file or a report', () => {
    const ok = [row(`${origin}/`), row(`${origin}/pz.js`)];
    expect(verdict(ok)).toEqual({ ok: true, text: 'Nothing about you was sent: 2 requests, all static files of this shop.' });
    expect(verdict([...ok, row(`${origin}/collect`)])).toEqual({ ok: false, text: '1 of 3 requests could carry something about you: see below.' });
    const sent = [{ epsilon: 0.25 }, { epsilon: 0.5 }] as { q: string; p: number; epsilon: number; at: number }[];
    expect(verdict(ok, { sent }).text).toBe('Nothing about you was sent but 2 locally private reports (ε = 0.75 in all): 2 requests.');
  });

  it("the worker's requests: a logged report keeps its ε, its questions' GET is a static file, any other sending is flagged", () => {
    const w = (url: string, method: string, kind: 'static' | 'report', epsilon?: number) => workerRow({ url, method, kind, at: 1500, ...(epsilon === undefined ? {} : { epsilon }) }, origin, 1000, '/pz-report');
    expect(w(`${origin}/pz-report`, 'POST', 'report', 0.25)).toMatchObject({ kind: 'report', epsilon: 0.25, worker: true, ms: 500, initiator: 'worker', path: '/pz-report' });
    expect(w(`${origin}/pz-report`, 'GET', 'static').kind).toBe('static');
    expect(w(`${origin}/site/segments.json`, 'GET', 'static').kind).toBe('static');
    expect(w(`${origin}/site/segments.json`, 'POST', 'static')).toMatchObject({ kind: 'unexpected', why: 'sent with POST' });
    expect(w(`${origin}/collect`, 'POST', 'report').kind).toBe('unexpected');
    expect(w('https://tracker.example/x.js', 'GET', 'static').kind).toBe('unexpected');
  });
});
