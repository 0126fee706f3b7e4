import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RequestLog } from '../../src/worker/request-log';
import { PersonalizerService } from '../../src/worker/service';
import { manualClock } from './manual-clock';
import { T0 } from './profile-helpers';

const HOUR = 3_600_000;
const started: PersonalizerService[] = [];
afterEach(() => {
  for (const s of started.splice(0)) s.close();
  vi.unstubAllGlobals();
});

/** A shop whose files answer from a table (a missing one is a 404), and whose report endpoint takes POSTs. */
function shop(files: Record<string, unknown>) {
  vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
    const body = init.method === 'POST' ? {} : files[String(url)];
    return { ok: body !== undefined, status: body === undefined ? 404 : 200, json: async () => body };
  });
}

describe("the worker's request log", () => {
  it('lists every file and report the worker fetched, with the ε of a report and the outcome, never a body', async () => {
    const report = 'https://shop.test/pz-report';
    shop({
      'https://shop.test/site/segments.json': { version: 1 },
      [report]: { budget: 1, questions: [{ id: 'intent', type: 'intent-bucket', epsilon: 0.25, period: 'day', thresholds: [0.5] }] },
    });
    const c = manualClock(T0);
    const svc = new PersonalizerService({ now: () => c.clock.t, timers: c.timers, loadLearner: () => import('../../src/core/model/learner') });
    started.push(svc);
    await svc.init({ dbName: `pz-svc-requests-${T0}`, seed: 3, priorUrl: 'https://shop.test/site/prior.json', segmentsUrl: 'https://shop.test/site/segments.json', reportUrl: report });
    const posts = async () => (await svc.requests()).filter((r) => r.method === 'POST');
    // The report's moment is drawn within the day: move the clock an hour at a time until it is sent.
    for (let h = 0; h < 60 && !(await posts()).length; h++) {
      c.advance(HOUR);
      await svc.idle();
      await new Promise((r) => setTimeout(r, 5));
    }
    const log = await svc.requests();
    const own = log.filter((r) => r.url.startsWith('https://shop.test/'));
    expect(own.map(({ url, method, kind, epsilon, ok }) => ({ url, method, kind, epsilon, ok }))).toEqual([
      { url: 'https://shop.test/site/prior.json', method: 'GET', kind: 'static', epsilon: undefined, ok: false },
      { url: 'https://shop.test/site/segments.json', method: 'GET', kind: 'static', epsilon: undefined, ok: true },
      { url: report, method: 'GET', kind: 'static', epsilon: undefined, ok: true },
      { url: report, method: 'POST', kind: 'report', epsilon: 0.25, ok: true },
    ]);
    expect(own[0]!.at).toBe(T0);
    expect(own[3]!.at).toBeGreaterThan(T0);
    for (const r of log) expect(Object.keys(r).sort()).toEqual(expect.arrayContaining(['at', 'kind', 'method', 'url']));
    for (const r of log) expect(r).not.toHaveProperty('body');
    // What the caller gets is a copy: it cannot rewrite the log.
    log[0]!.url = 'changed';
    expect((await svc.requests())[0]!.url).toBe('https://shop.test/site/prior.json');
  });

  it('keeps the newest 200 requests', () => {
    const log = new RequestLog();
    for (let i = 0; i < 250; i++) log.add({ url: `/f${i}`, method: 'GET', kind: 'static', at: i });
    const entries = log.entries();
    expect(entries).toHaveLength(200);
    expect(entries[0]!.url).toBe('/f50');
    expect(entries.at(-1)!.url).toBe('/f249');
  });
});
