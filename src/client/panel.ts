/**
 * `<pz-privacy-panel>`: shows the shopper what this device stores about them and hands them the
 * controls: consent, pause, remove an interest, download, erase. It reads the profile through the
 * public API only. Every outcome is announced through a polite live region, and erasing asks for
 * confirmation inside the panel (a `window.confirm` would block the page and cannot be themed or read
 * consistently by screen readers). Host pages' CSS resets cannot reach its layout: the host element
 * carries no box styles, everything is drawn inside the shadow root.
 */
import { PANEL_MESSAGES, type PanelKey, type PanelMessages, fill } from '../core/messages';
import type { InterestKind } from '../core/privacy/interests';
import type { Personalizer } from './personalizer';
import { siteTranslation } from './translation';
import { stringifyJson } from './json';
import { ElementBase, h, styledShadow } from './shadow';

const CSS =
  '[part~=panel]{box-sizing:border-box;padding:var(--pz-gap,.75rem);background:var(--pz-card-bg,Canvas);color:var(--pz-card-color,CanvasText);border:1px solid #0003;border-radius:var(--pz-radius,.5rem)}' +
  'h2{margin:0 0 var(--pz-gap,.75rem);font-size:1.25em}h3{margin:var(--pz-gap,.75rem) 0 .25rem;font-size:1em}' +
  'dl{display:grid;grid-template-columns:auto 1fr;gap:.25rem 1rem;margin:0}dt{font-weight:600}dd,ul,ol{margin:0}ul,ol{padding-left:1.25rem}' +
  'li{margin:.15rem 0}[part~=actions]{display:flex;flex-wrap:wrap;gap:var(--pz-gap,.75rem);margin-top:var(--pz-gap,.75rem)}' +
  'button{padding:.4rem .8rem;border:2px solid var(--pz-accent,#1d4ed8);border-radius:var(--pz-radius,.5rem);background:none;color:inherit}' +
  'li button{padding:0 .4rem;margin-left:.5rem;border-width:1px}[part~=toggle] b{margin-left:.4rem}' +
  '[aria-checked=true]{border-style:solid;box-shadow:inset 0 0 0 2px var(--pz-accent,#1d4ed8)}[aria-checked=false]{border-style:dashed}' +
  '[part~=danger]{border-color:#b91c1c}p{margin:var(--pz-gap,.75rem) 0 0}svg{display:block;max-width:100%}' +
  'rect{fill:var(--pz-accent,#1d4ed8)}text{fill:currentColor;font-size:12px}';

const SVG = 'http://www.w3.org/2000/svg';

type Dict = Record<string, unknown>;
const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** A profile key in words: `footwear/sports-shoes` → "Footwear › Sports shoes", `rouge` → "Rouge". */
export function readable(key: string): string {
  return key
    .split('/')
    .map((s) => cap(s.replace(/[-_]+/g, ' ').trim()))
    .join(' › ');
}

interface Interest {
  kind: InterestKind;
  key: string;
  share: number;
}

/**
 * Top interests of one kind, strongest first, as shares of all interest of that kind. A category is
 * left out when a deeper path under it also ranks, so the shopper reads "Beauty › Lipstick" rather
 * than "Beauty" and "Beauty › Lipstick".
 */
function top(kind: InterestKind, maps: unknown, n: number): Interest[] {
  if (!isDict(maps) || !isDict(maps.long)) return [];
  const total = num(maps.totalLong);
  const entries = Object.entries(maps.long)
    .filter((e): e is [string, number] => num(e[1]) > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 12);
  const keys = entries.map((e) => e[0]);
  return entries
    .filter(([k]) => kind !== 'category' || !keys.some((o) => o.startsWith(k + '/')))
    .slice(0, n)
    .map(([key, v]) => ({ kind, key, share: total > 0 ? Math.min(1, v / total) : 0 }));
}

/** Segments that apply, each with the rule that placed the shopper there. */
function segments(v: unknown): [string, string][] {
  if (!isDict(v)) return [];
  const p = isDict(v.propensity) ? v.propensity.segments : [];
  const list = [v.lifecycle, v.value, ...(Array.isArray(v.behaviour) ? v.behaviour : []), ...(Array.isArray(p) ? p : [])];
  return list.flatMap((s) =>
    isDict(s) && typeof s.name === 'string'
      ? [[cap(s.name.replace(/-/g, ' ')), isDict(s.evidence) && typeof s.evidence.text === 'string' ? s.evidence.text : ''] as [string, string]]
      : [],
  );
}

/** An item's name on this page (`data-pz-title`, else its id). */
function itemName(id: string): string {
  for (const el of document.querySelectorAll<HTMLElement>('[data-pz-item],[data-pz-page-item]')) {
    if ((el.dataset.pzItem ?? el.dataset.pzPageItem) === id && el.dataset.pzTitle) return el.dataset.pzTitle;
  }
  return id;
}

/**
 * The `<pz-privacy-panel>` element. Its texts come from the message table (`panel.*` keys), translated
 * like the reasons (`data-messages` / `messagesUrl`, picked by `lang`). Its ids live in its shadow root,
 * so they never meet the page's ids.
 *
 * Attributes: `heading` (default `panel.heading`, "Your data on this device"). Parts: `panel`, `heading`, `summary`,
 * `chart`, `interests`, `removed`, `segments`, `why`, `timeline`, `reports`, `actions`, `button`, `toggle`,
 * `pause`, `danger`, `confirm`, `status`. Custom properties: `--pz-card-bg`, `--pz-card-color`,
 * `--pz-accent`, `--pz-gap`, `--pz-radius`, `--pz-font`. Dispatches `pz:erased` and `pz:exported`
 * (bubbling) after the shopper's action succeeded.
 * @example <pz-privacy-panel></pz-privacy-panel>
 */
export class PzPrivacyPanel extends ElementBase {
  /** The personalizer every instance uses unless its own `personalizer` is set (see `registerElements`). */
  // `declare`d fields set in the constructor: see the note in widget.ts (loader size).
  declare static personalizer: Personalizer | undefined;
  static get observedAttributes(): string[] {
    return ['heading'];
  }
  /** Overrides {@link PzPrivacyPanel.personalizer} for this element. */
  declare personalizer: Personalizer | undefined;

  private declare readonly head: HTMLHeadingElement;
  private declare readonly summary: HTMLDListElement;
  private declare readonly body: HTMLDivElement;
  private declare readonly toggle: HTMLButtonElement;
  private declare readonly pause: HTMLButtonElement;
  private declare readonly eraseBtn: HTMLButtonElement;
  private declare readonly confirm: HTMLDivElement;
  private declare readonly no: HTMLButtonElement;
  private declare readonly yes: HTMLButtonElement;
  private declare readonly exportBtn: HTMLButtonElement;
  private declare readonly question: HTMLParagraphElement;
  /** The translation in use; English until it has loaded. */
  private declare t: PanelMessages | undefined;
  private declare readonly status: HTMLParagraphElement;
  private declare stops: (() => void)[];
  private declare refreshTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super();
    const root = styledShadow(this, CSS);
    const button = (part = '') => h('button', { part: 'button' + part, type: 'button' });
    this.head = h('h2', { part: 'heading', id: 'h' });
    this.summary = h('dl', { part: 'summary' });
    this.body = h('div');
    this.toggle = button(' toggle');
    this.toggle.setAttribute('role', 'switch');
    this.pause = button(' pause');
    this.eraseBtn = button(' danger');
    this.confirm = h('div', { part: 'confirm', role: 'group', 'aria-labelledby': 'q', hidden: '' });
    const yes = (this.yes = button(' danger'));
    this.no = button();
    this.status = h('p', { part: 'status', role: 'status', 'aria-live': 'polite' });
    this.stops = [];
    const exportBtn = (this.exportBtn = button());
    const actions = h('div', { part: 'actions' });
    actions.append(this.toggle, this.pause, exportBtn, this.eraseBtn);
    this.question = h('p', { id: 'q' });
    this.confirm.append(this.question, yes, this.no);
    this.label(false);
    const panel = h('section', { part: 'panel', 'aria-labelledby': 'h' });
    panel.append(this.head, this.summary, this.body, actions, this.confirm, this.status);
    root.append(panel);
    this.toggle.addEventListener('click', () => this.flipConsent());
    this.pause.addEventListener('click', () => this.flipPause());
    exportBtn.addEventListener('click', () => this.download());
    this.eraseBtn.addEventListener('click', () => this.ask(true));
    this.no.addEventListener('click', () => this.ask(false));
    yes.addEventListener('click', () => this.erase());
    this.confirm.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') this.ask(false);
    });
  }

  /** `key`'s text in the translation in use (else English) with `params` filled in. */
  private m(key: PanelKey, params?: Record<string, string>): string {
    return fill(this.t?.[key] ?? PANEL_MESSAGES[key], params);
  }

  /** Writes the texts that do not depend on the stored data. */
  private label(on: boolean): void {
    this.attributeChangedCallback();
    this.toggle.replaceChildren(this.m('panel.personalisation'), h('b', {}, this.m(on ? 'panel.on' : 'panel.off')));
    this.exportBtn.textContent = this.m('panel.download');
    this.eraseBtn.textContent = this.m('panel.erase');
    this.question.textContent = this.m('panel.erase.question');
    this.yes.textContent = this.m('panel.erase.yes');
    this.no.textContent = this.m('panel.cancel');
  }

  private get pz(): Personalizer | undefined {
    return this.personalizer ?? PzPrivacyPanel.personalizer;
  }

  connectedCallback(): void {
    this.attributeChangedCallback();
    const pz = this.pz;
    if (pz) {
      const later = () => this.refreshSoon();
      this.stops = ['tracked', 'erased', 'consent', 'paused', 'interests', 'reranked'].map((n) => pz.on(n as 'tracked', later));
    }
    this.refresh();
  }

  disconnectedCallback(): void {
    for (const stop of this.stops.splice(0)) stop();
    clearTimeout(this.refreshTimer);
  }

  attributeChangedCallback(): void {
    this.head.textContent = this.getAttribute('heading') || this.m('panel.heading');
  }

  /** Events arrive in bursts (one ack per batch): redraw once per burst. */
  private refreshSoon(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => this.refresh(), 100);
  }

  /** Redraws everything from the stored profile. Never throws. */
  async refresh(): Promise<void> {
    const pz = this.pz;
    if (pz && !this.t) this.t = await siteTranslation(pz, PANEL_MESSAGES);
    const consent = pz?.consent() ?? 'denied';
    const paused = pz?.paused() ?? false;
    const on = consent === 'granted';
    this.toggle.setAttribute('aria-checked', String(on));
    this.label(on);
    this.pause.textContent = this.m(paused ? 'panel.resume' : 'panel.pause');
    this.pause.hidden = !on;
    if (!pz) return;
    try {
      const [p, data, why, sent] = await Promise.all([pz.profile(), pz.exportData(), pz.explainLast(), pz.reports()]);
      const view: Dict = isDict(p) ? p : {};
      const profile: Dict = isDict(view.profile) ? view.profile : {};
      const count = num(profile.eventCount);
      const band = isDict(view.priceBand) ? view.priceBand : undefined;
      const intent = isDict(view.propensities) ? num(view.propensities.purchaseIntent) : undefined;
      const state = this.m(!on ? (consent === 'pending' ? 'panel.state.pending' : 'panel.state.off') : paused ? 'panel.state.paused' : 'panel.state.on');
      const level = (intent ?? 0) < 0.33 ? 'low' : (intent ?? 0) < 0.66 ? 'medium' : 'high';
      const rows: [string, string][] = [
        [this.m('panel.stored-events'), String(count)],
        [this.m('panel.personalisation'), state],
        [this.m('panel.intent'), count && intent !== undefined ? this.m(`panel.intent.${level}`, { percent: String(Math.round(intent * 100)) }) : ''],
        [this.m('panel.price'), band ? `${num(band.low).toFixed(2)} – ${num(band.high).toFixed(2)}` : ''],
      ];
      this.summary.replaceChildren(...rows.filter((r) => r[1] !== '').flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));

      const interests = [...top('category', profile.categories, 4), ...top('brand', profile.brands, 3), ...top('tag', profile.tags, 2)];
      const removed = Array.isArray(view.removedInterests) ? (view.removedInterests as Interest[]) : [];
      const blocks: HTMLElement[] = [];
      const block = (title: string, part: string, items: HTMLElement[], list: 'ul' | 'ol' = 'ul', before?: Element) => {
        if (!items.length) return;
        const l = h(list, { part });
        l.append(...items);
        blocks.push(h('h3', {}, title), ...(before ? [before as HTMLElement] : []), l);
      };
      const li = (text: string, action?: [string, string, () => void]) => {
        const el = h('li', {}, text);
        if (action) {
          const b = h('button', { part: 'button', type: 'button', 'aria-label': action[1] }, action[0]);
          b.addEventListener('click', action[2]);
          el.append(b);
        }
        return el;
      };
      const pct = (i: Interest) => String(Math.round(i.share * 100));
      block(
        this.m('panel.interests'),
        'interests',
        interests.map((i) => {
          const name = readable(i.key);
          const text = this.m('panel.interest', { name, kind: this.m(`panel.kind.${i.kind}`), percent: pct(i) });
          return li(text, [this.m('panel.remove'), this.m('panel.remove.label', { name }), () => this.edit(i, true)]);
        }),
        'ul',
        interests.length
          ? chart(interests, this.m('panel.chart', { list: interests.map((i) => `${readable(i.key)} ${pct(i)} %`).join(', ') }))
          : undefined,
      );
      block(
        this.m('panel.removed'),
        'removed',
        removed.map((i) => {
          const name = readable(i.key);
          return li(name, [this.m('panel.restore'), this.m('panel.restore.label', { name }), () => this.edit(i, false)]);
        }),
      );
      // An empty profile is in no segment (not "new" or "at risk").
      block(this.m('panel.segments'), 'segments', count ? segments(view.segments).map(([n, rule]) => li(rule ? `${n}: ${rule}` : n)) : []);
      if (why?.items.length)
        block(
          this.m('panel.why', { slot: readable(why.slot) }),
          'why',
          why.items.map((i) => {
            const p = { name: itemName(i.id), reason: i.reason ?? this.m('panel.why.shop-order'), from: String(i.from + 1), to: String(i.to + 1) };
            return li(this.m(i.from !== i.to ? 'panel.why.moved' : 'panel.why.item', p));
          }),
          'ol',
        );
      const events = (data?.events ?? []).slice(-8).reverse() as Dict[];
      block(
        this.m('panel.timeline'),
        'timeline',
        events.map((e) => {
          const item = isDict(e.item) ? e.item : {};
          const what = e.type === 'search' ? `“${String(e.query ?? '')}”` : String(item.title ?? item.id ?? '');
          const time = new Date(num(e.ts)).toLocaleString([], { dateStyle: 'short', timeStyle: 'short' });
          const verb = `panel.event.${String(e.type)}`;
          return li(`${time} ${Object.hasOwn(PANEL_MESSAGES, verb) ? this.m(verb as PanelKey) : String(e.type)} ${what}${item.category ? ` (${readable(String(item.category))})` : ''}`);
        }),
        'ol',
      );
      if (sent) {
        const when = (t: number) => new Date(t).toLocaleString([], { dateStyle: 'short', timeStyle: 'short' });
        block(this.m('panel.reports'), 'reports', [
          li(
            this.m('panel.reports.summary', {
              count: String(sent.sent.length),
              spent: sent.sent.reduce((s, e) => s + e.epsilon, 0).toFixed(2),
              left: sent.left.toFixed(2),
              budget: String(sent.budget),
            }),
          ),
          ...sent.sent
            .slice(-5)
            .reverse()
            .map((e) => li(this.m('panel.reports.item', { time: when(e.at), question: e.q, epsilon: String(e.epsilon) }))),
        ]);
      }
      this.body.replaceChildren(...blocks);
    } catch {
      this.say(this.m('panel.said.read-failed'));
    }
  }

  private say(text: string): void {
    this.status.textContent = text;
  }

  private async edit(i: { kind: InterestKind; key: string }, remove: boolean): Promise<void> {
    const pz = this.pz;
    if (!pz) return;
    const done = await (remove ? pz.removeInterest(i.kind, i.key) : pz.restoreInterest(i.kind, i.key));
    const name = readable(i.key);
    this.say(this.m(done ? (remove ? 'panel.said.removed' : 'panel.said.restored') : 'panel.said.change-failed', { name }));
    this.refresh();
  }

  private flipConsent(): void {
    const pz = this.pz;
    if (!pz) return;
    const on = pz.consent() !== 'granted';
    pz.consent(on ? 'granted' : 'denied');
    this.say(this.m(on ? 'panel.said.on' : 'panel.said.off'));
    this.refresh();
  }

  private flipPause(): void {
    const pz = this.pz;
    if (!pz) return;
    const paused = !pz.paused();
    pz.paused(paused);
    this.say(this.m(paused ? 'panel.said.paused' : 'panel.said.resumed'));
    this.refresh();
  }

  private async download(): Promise<void> {
    const data = await this.pz?.exportData();
    if (!data) {
      this.say(this.m('panel.said.read-failed'));
      return;
    }
    try {
      const url = URL.createObjectURL(new Blob([stringifyJson(data, 2)], { type: 'application/json' }));
      const file = 'my-shopping-data.json';
      const a = h('a', { href: url, download: file, hidden: '' });
      this.shadowRoot?.append(a);
      a.click();
      a.remove();
      // Revoked later: revoking at once can cancel the download before it starts.
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      this.say(this.m('panel.said.downloaded', { count: String(data.events.length), file }));
      this.dispatchEvent(new CustomEvent('pz:exported', { bubbles: true }));
    } catch {
      this.say(this.m('panel.said.download-failed'));
    }
  }

  private ask(show: boolean): void {
    this.confirm.hidden = !show;
    this.eraseBtn.setAttribute('aria-expanded', String(show));
    // The safe choice gets focus; cancelling returns focus to where the shopper was.
    (show ? this.no : this.eraseBtn).focus();
  }

  private async erase(): Promise<void> {
    this.ask(false);
    try {
      await this.pz?.erase();
      this.say(this.m('panel.said.erased'));
      this.dispatchEvent(new CustomEvent('pz:erased', { bubbles: true }));
    } catch {
      this.say(this.m('panel.said.erase-failed'));
    }
    this.refresh();
  }
}

/**
 * Defines `<pz-privacy-panel>` bound to `pz`, unless the name is taken (the first definition wins).
 * Never throws: the panel is an extra.
 */
export function definePanel(pz: Personalizer): void {
  try {
    if (typeof customElements === 'undefined' || customElements.get('pz-privacy-panel')) return;
    PzPrivacyPanel.personalizer = pz;
    customElements.define('pz-privacy-panel', PzPrivacyPanel);
  } catch {
    // Custom elements are an extra: the personalizer works without them.
  }
}

/** A horizontal bar chart of interest shares (inline SVG built node by node: no markup parsing). */
function chart(interests: Interest[], label: string): SVGSVGElement {
  const row = 22;
  const svg = document.createElementNS(SVG, 'svg');
  const attrs = (el: Element, a: Record<string, string | number>) => {
    for (const k in a) el.setAttribute(k, String(a[k]));
    return el;
  };
  attrs(svg, { part: 'chart', role: 'img', viewBox: `0 0 320 ${row * interests.length}`, width: 320, height: row * interests.length });
  svg.setAttribute('aria-label', label);
  const max = Math.max(...interests.map((i) => i.share), 0.01);
  interests.forEach((i, k) => {
    const text = attrs(document.createElementNS(SVG, 'text'), { x: 0, y: k * row + 15 });
    text.textContent = readable(i.key).slice(0, 24);
    svg.append(text, attrs(document.createElementNS(SVG, 'rect'), { x: 170, y: k * row + 4, height: 14, width: Math.max(2, (150 * i.share) / max) }));
  });
  return svg;
}
