import 'fake-indexeddb/auto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/core/engine';
import { MESSAGES, PANEL_MESSAGES, fill, message, readMessages } from '../../src/core/messages';
import { createRng } from '../../src/core/util/rng';
import { PersonalizerService } from '../../src/worker/service';
import { T0 } from './profile-helpers';

const GERMAN = { de: { 'reason.category.often': 'Sie sehen sich oft {category} an', 'reason.category.once': '{category} angesehen', 'reason.explore': 'Etwas Neues' } };

function lipstickShopper(engine: Engine): void {
  for (let i = 0; i < 5; i++) engine.ingestRaw({ type: 'click', item: { id: `l${i}`, category: 'beauty/lipstick' }, ts: T0 + i * 60_000 }, T0 + i * 60_000);
}
const list = Array.from({ length: 20 }, (_, i) => ({ id: `c${i}`, category: i >= 15 ? 'beauty/lipstick' : `misc/m${i}` }));

describe('the message table', () => {
  it('fills placeholders and falls back to English', () => {
    expect(message('reason.brand', { brand: 'Rouge' })).toBe('You like Rouge');
    expect(message('reason.brand', { brand: 'Rouge' }, { 'reason.brand': 'Sie mögen {brand}' })).toBe('Sie mögen Rouge');
    expect(message('reason.price', {}, { 'reason.brand': 'x' })).toBe(MESSAGES['reason.price']);
  });

  it('reads a translation file for a language, with the base language as fallback; junk is ignored', () => {
    const file = { DE: { 'reason.buy-again': 'Wieder kaufen', 'not.a.key': 'x', 'reason.price': 5, 'reason.tags': '' }, fr: {} };
    expect(readMessages(file, 'de-AT')).toEqual({ 'reason.buy-again': 'Wieder kaufen' });
    expect(readMessages(file, 'fr')).toBeUndefined();
    expect(readMessages(file, undefined)).toBeUndefined();
    expect(readMessages('nope', 'de')).toBeUndefined();
    expect(readMessages(JSON.parse('{"__proto__": {"reason.price": "x"}}'), 'de')).toBeUndefined();
  });

  it('reasons come from the table: English by default, translated through the engine option', () => {
    const en = new Engine({}, T0);
    lipstickShopper(en);
    const r = en.rerank(list, {}, createRng(1), T0 + 600_000, () => 0);
    const reasons = r.items.filter((x) => x.from >= 15).map((x) => x.reason);
    expect(reasons.every((x) => x === message('reason.category.often', { category: 'Lipstick' }) || x === message('reason.category.once', { category: 'Lipstick' }))).toBe(true);
    const de = new Engine({ messages: readMessages(GERMAN, 'de') }, T0);
    lipstickShopper(de);
    const g = de.rerank(list, {}, createRng(1), T0 + 600_000, () => 0);
    expect(g.items.filter((x) => x.from >= 15).every((x) => /Lipstick( angesehen| an$)/.test(x.reason ?? ''))).toBe(true);
    expect(de.explain('c15', T0 + 600_000)?.reason).toMatch(/Lipstick/);
  });

  it('the worker fetches messagesUrl and picks the lang it is given', async () => {
    const svc = new PersonalizerService({ now: () => T0 + 600_000, fetchJson: async () => GERMAN, loadLearner: () => import('../../src/core/model/learner') });
    try {
      await svc.init({ dbName: `pz-messages-${T0}`, messagesUrl: 'https://shop.example/pz-messages.json', lang: 'de-DE' });
      await svc.track(Array.from({ length: 5 }, (_, i) => ({ type: 'click', item: { id: `l${i}`, category: 'beauty/lipstick' }, ts: T0 + i * 60_000 })));
      const r = await svc.rerank(list, {});
      expect(r.items.filter((x) => x.reason).every((x) => /Lipstick( angesehen| an$)/.test(x.reason ?? ''))).toBe(true);
    } finally {
      svc.close();
    }
  });

  it('the panel reads its own keys (panel.*) from the same file; the reasons reader ignores them', () => {
    const file = { de: { 'panel.erase': 'Alles löschen', 'panel.interest': '{name} ({kind})', 'reason.buy-again': 'Wieder kaufen' } };
    expect(readMessages(file, 'de-CH', PANEL_MESSAGES)).toEqual({ 'panel.erase': 'Alles löschen', 'panel.interest': '{name} ({kind})' });
    expect(readMessages(file, 'de')).toEqual({ 'reason.buy-again': 'Wieder kaufen' });
    expect(readMessages(file, 'fr', PANEL_MESSAGES)).toBeUndefined();
    expect(fill(PANEL_MESSAGES['panel.remove.label'], { name: 'Rouge' })).toBe('Remove Rouge');
  });

  it('no other source file writes a reason or element label in English', () => {
    const texts = [...Object.values(MESSAGES), ...Object.values(PANEL_MESSAGES)].map((t) => t.split('{')[0]!.trim()).filter((t) => t.length > 8);
    const files = ['src/core/rank/explain.ts', 'src/core/rank/rerank.ts', 'src/core/engine.ts', 'src/client/widget.ts', 'src/client/panel.ts'];
    for (const f of files) {
      const src = readFileSync(join(__dirname, '../..', f), 'utf8');
      // As a string literal (doc comments may quote them).
      for (const t of texts) for (const q of ["'", '`']) expect(src.includes(q + t), `${f} repeats "${t}"`).toBe(false);
    }
    expect(readdirSync(join(__dirname, '../../src/core')).filter((f) => f === 'messages.ts')).toHaveLength(1);
  });
});
