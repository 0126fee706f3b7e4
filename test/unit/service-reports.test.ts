import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PersonalizerService } from '../../src/worker/service';
import { T0 } from './profile-helpers';

const started: PersonalizerService[] = [];
afterEach(() => {
  for (const s of started.splice(0)) s.close();
  vi.unstubAllGlobals();
});

function siteWith(config: unknown) {
  const calls: { url: string; method: string }[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
    calls.push({ url: String(url), method: init.method ?? 'GET' });
    return { ok: true, status: 200, json: async () => config };
  });
  return calls;
}

const service = () => {
  const svc = new PersonalizerService({ now: () => T0, loadLearner: () => import('../../src/core/model/learner') });
  started.push(svc);
  return svc;
};
const until = async (cond: () => boolean | Promise<boolean>) => {
  for (let i = 0; i < 200 && !(await cond()); i++) await new Promise((r) => setTimeout(r, 10));
};

describe('the worker with data-report', () => {
  it('the lift control arm sees the server order; treatment would be personalized', async () => {
    const calls = siteWith({ questions: [{ id: 'lift', type: 'lift', epsilon: 0.5, controlShare: 0.999999 }] });
    const svc = service();
    await svc.init({ dbName: `pz-svc-reports-a-${T0}`, seed: 1, reportUrl: 'https://shop.test/pz-report' });
    await until(async () => (await svc.reports())?.arm !== undefined);
    expect((await svc.reports())?.arm).toBe('control');
    const r = await svc.rerank([{ id: 'a' }, { id: 'b' }], {});
    expect(r.fellBack).toBe('control group');
    expect(r.items.map((i) => i.id)).toEqual(['a', 'b']);
    expect(calls[0]).toEqual({ url: 'https://shop.test/pz-report', method: 'GET' });
  });

  it('without consent there is no reporter: not even the questions are fetched', async () => {
    const calls = siteWith({ questions: [] });
    const svc = service();
    await svc.init({ dbName: `pz-svc-reports-b-${T0}`, seed: 1, reportUrl: 'https://shop.test/pz-report', readOnly: true });
    await new Promise((r) => setTimeout(r, 50));
    expect(await svc.reports()).toBeUndefined();
    expect(calls).toEqual([]);
  });
});
