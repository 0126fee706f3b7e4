/** The three-step tour: look at shoes → add a pair to the cart → see the home page change. */
import { h } from './dom';

type Step = { text: string; action?: [label: string, run: () => void]; done: (ev: Event) => boolean };

/** Wires the "Show me in 3 steps" button (on the home page) to the tour box. */
export function startTour(box: HTMLElement, navigate: (hash: string) => void): void {
  let step = -1;
  const steps: Step[] = [
    {
      text: 'Step 1 of 3 · Open a pair of shoes you like.',
      action: ['Show me shoes', () => navigate('#/c/mens-shoes')],
      done: (ev) => ev.type === 'demo:page' && /shoes/.test(document.querySelector<HTMLElement>('[data-pz-page-item]')?.dataset.pzCategory ?? ''),
    },
    {
      text: 'Step 2 of 3 · Add them to your cart. Your browser notes it; the shop’s server does not.',
      done: (ev) => ev.type === 'click' && !!(ev.target as Element | null)?.closest?.('[data-pz-action="add-to-cart"]'),
    },
    {
      text: 'Step 3 of 3 · Now go home: “Recommended for you” leads with shoes, and each tile it moved says why.',
      action: [
        'Go home',
        () => {
          navigate('#/');
          end();
        },
      ],
      done: () => false,
    },
  ];
  const show = () => {
    const s = steps[step]!;
    const close = h('button', { type: 'button', class: 'link', 'aria-label': 'End the tour' }, 'End tour');
    close.addEventListener('click', end);
    const act = s.action ? h('button', { type: 'button', class: 'primary' }, s.action[0]) : undefined;
    act?.addEventListener('click', s.action![1]);
    box.replaceChildren(h('p', {}, s.text), h('p', { class: 'tour-actions' }, act, close));
    box.hidden = false;
  };
  const end = () => {
    step = -1;
    box.hidden = true;
  };
  const advance = (ev: Event) => {
    if (step < 0 || !steps[step]!.done(ev)) return;
    step++;
    show();
  };
  document.addEventListener('demo:page', advance);
  document.addEventListener('click', advance);
  document.addEventListener('click', (ev) => {
    if ((ev.target as Element | null)?.closest?.('#start-tour')) {
      step = 0;
      show();
    }
  });
}
