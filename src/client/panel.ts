/**
 * `<pz-privacy-panel>`: shows the shopper what this device stores about them and hands them the
 * controls: consent, download, erase. Every outcome is announced through a polite live region, and
 * erasing asks for confirmation inside the panel (a `window.confirm` would block the page and cannot
 * be themed or read consistently by screen readers).
 */
import type { Personalizer } from './personalizer';
import { ElementBase, h, styledShadow } from './shadow';

const CSS =
  ':host{padding:var(--pz-gap,.75rem);background:var(--pz-card-bg,Canvas);color:var(--pz-card-color,CanvasText);border:1px solid #0003;border-radius:var(--pz-radius,.5rem)}' +
  'h2{margin:0 0 var(--pz-gap,.75rem);font-size:1.25em}dl{display:grid;grid-template-columns:auto 1fr;gap:.25rem 1rem;margin:0}' +
  'dt{font-weight:600}dd{margin:0}div{display:flex;flex-wrap:wrap;gap:var(--pz-gap,.75rem);margin-top:var(--pz-gap,.75rem)}' +
  'button{padding:.5rem .9rem;border:2px solid var(--pz-accent,#1d4ed8);border-radius:var(--pz-radius,.5rem);background:none;color:inherit}' +
  '[aria-checked=true]{background:var(--pz-accent,#1d4ed8);color:#fff}[part~=danger]{border-color:#b91c1c}p{margin:var(--pz-gap,.75rem) 0 0}';

type Dict = Record<string, unknown>;

const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Top keys of an affinity map, strongest first. Accepts a `{ key: number }` object or a `Map` (what a
 * structured-cloned profile map arrives as), bare or as the profile's `{ long: … }` form; a category
 * is left out when a deeper path under it also ranks, so the shopper reads "beauty/lipstick" rather
 * than "beauty" and "beauty/lipstick".
 */
function top(m: unknown, n = 3): string[] {
  const long = isDict(m) && !(m instanceof Map) ? m.long : undefined;
  const d = long !== null && typeof long === 'object' ? long : m;
  const keys = (d instanceof Map ? [...d] : isDict(d) ? Object.entries(d) : [])
    .filter((e): e is [string, number] => typeof e[1] === 'number' && e[1] > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 12)
    .map((e) => e[0]);
  return keys.filter((k) => !keys.some((o) => o.startsWith(k + '/'))).slice(0, n);
}

/** Segment names from `{ names: [...] }` or an array of names or `{ name }` objects. */
function segmentNames(v: unknown): string[] {
  if (isDict(v)) v = v.names;
  if (!Array.isArray(v)) return [];
  return v
    .map((s) => (typeof s === 'string' ? s : isDict(s) ? (s.name ?? s.id) : undefined))
    .filter((s): s is string => typeof s === 'string');
}

/**
 * The `<pz-privacy-panel>` element.
 *
 * Attributes: `heading` (default "Your data on this device"). Parts: `panel`, `heading`, `summary`,
 * `actions`, `button`, `toggle`, `danger`, `confirm`, `status`. Custom properties: `--pz-card-bg`,
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
  private declare readonly toggle: HTMLButtonElement;
  private declare readonly eraseBtn: HTMLButtonElement;
  private declare readonly confirm: HTMLDivElement;
  private declare readonly no: HTMLButtonElement;
  private declare readonly status: HTMLParagraphElement;
  private declare stops: (() => void)[];
  private declare refreshTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super();
    const root = styledShadow(this, CSS);
    const button = (text: string, part = '') => h('button', { part: 'button' + part, type: 'button' }, text);
    this.head = h('h2', { part: 'heading', id: 'h' });
    this.summary = h('dl', { part: 'summary' });
    this.toggle = button('Personalisation', ' toggle');
    this.toggle.setAttribute('role', 'switch');
    this.eraseBtn = button('Erase everything', ' danger');
    this.confirm = h('div', { part: 'confirm', role: 'group', 'aria-labelledby': 'q', hidden: '' });
    const yes = button('Yes, erase', ' danger');
    this.no = button('Cancel');
    this.status = h('p', { part: 'status', role: 'status', 'aria-live': 'polite' });
    this.stops = [];
    const exportBtn = button('Download my data');
    const actions = h('div', { part: 'actions' });
    actions.append(this.toggle, exportBtn, this.eraseBtn);
    this.confirm.append(
      h('p', { id: 'q' }, 'Erase every event, your profile and the learned model on this device? This cannot be undone.'),
      yes,
      this.no,
    );
    const panel = h('section', { part: 'panel', 'aria-labelledby': 'h' });
    panel.append(this.head, this.summary, actions, this.confirm, this.status);
    root.append(panel);
    this.toggle.addEventListener('click', () => this.flipConsent());
    exportBtn.addEventListener('click', () => this.download());
    this.eraseBtn.addEventListener('click', () => this.ask(true));
    this.no.addEventListener('click', () => this.ask(false));
    yes.addEventListener('click', () => this.erase());
    this.confirm.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') this.ask(false);
    });
  }

  private get pz(): Personalizer | undefined {
    return this.personalizer ?? PzPrivacyPanel.personalizer;
  }

  connectedCallback(): void {
    this.attributeChangedCallback();
    const pz = this.pz;
    if (pz) {
      const later = () => this.refreshSoon();
      this.stops = [pz.on('tracked', later), pz.on('erased', later), pz.on('consent', later)];
    }
    this.refresh();
  }

  disconnectedCallback(): void {
    for (const stop of this.stops.splice(0)) stop();
    clearTimeout(this.refreshTimer);
  }

  attributeChangedCallback(): void {
    this.head.textContent = this.getAttribute('heading') || 'Your data on this device';
  }

  /** Events arrive in bursts (one ack per batch): redraw once per burst. */
  private refreshSoon(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => this.refresh(), 100);
  }

  /** Redraws the summary from the stored profile. Never throws. */
  async refresh(): Promise<void> {
    const pz = this.pz;
    const consent = pz?.consent() ?? 'denied';
    this.toggle.setAttribute('aria-checked', String(consent === 'granted'));
    if (!pz) return;
    try {
      const p = await pz.profile();
      // `profile()` answers `{ profile, segments, … }`; a bare profile is read the same way.
      const view: Dict = isDict(p) ? p : {};
      const profile: Dict = isDict(view.profile) ? view.profile : view;
      let count: number | undefined = typeof profile.eventCount === 'number' ? profile.eventCount : undefined;
      // Profiles without a counter: count what export would hand the shopper.
      if (count === undefined) count = (await pz.exportData())?.events.length ?? 0;
      const rows: [string, string][] = [
        ['Stored events', String(count)],
        ['Top categories', top(profile.categories).join(', ')],
        ['Top brands', top(profile.brands).join(', ')],
        ['Segments', segmentNames(view.segments ?? profile.segments).join(', ')],
        ['Personalisation', consent === 'granted' ? 'on' : consent === 'pending' ? 'waiting for your consent' : 'off'],
      ];
      this.summary.replaceChildren(
        ...rows.filter((r) => r[1] !== '').flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
      );
    } catch {
      this.say('Could not read the stored data.');
    }
  }

  private say(text: string): void {
    this.status.textContent = text;
  }

  private flipConsent(): void {
    const pz = this.pz;
    if (!pz) return;
    const on = pz.consent() !== 'granted';
    pz.consent(on ? 'granted' : 'denied');
    this.say(on ? 'Personalisation is on.' : 'Personalisation is off: nothing new is stored.');
    this.refresh();
  }

  private async download(): Promise<void> {
    const data = await this.pz?.exportData();
    if (!data) {
      this.say('Could not read the stored data.');
      return;
    }
    try {
      const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
      const a = h('a', { href: url, download: 'my-shopping-data.json', hidden: '' });
      this.shadowRoot?.append(a);
      a.click();
      a.remove();
      // Revoked later: revoking at once can cancel the download before it starts.
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      this.say(`Downloaded ${data.events.length} events as my-shopping-data.json.`);
      this.dispatchEvent(new CustomEvent('pz:exported', { bubbles: true }));
    } catch {
      this.say('The download failed.');
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
      this.say('Everything stored on this device was erased.');
      this.dispatchEvent(new CustomEvent('pz:erased', { bubbles: true }));
    } catch {
      this.say('Erasing failed; please try again.');
    }
    this.refresh();
  }
}
