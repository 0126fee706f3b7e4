/**
 * Module-worker entry (`pz-worker.js`): answers the page's {@link RpcCall} messages with the
 * personalizer service. Calls run in arrival order; each reply carries the call's number.
 */
import type { RpcCall, RpcReply, WorkerApi } from '../core/api';
import { PersonalizerService } from './service';

const service = new PersonalizerService();
/** Every method of the API (a missing one is a type error), and nothing else, can be called. */
const CALLABLE: Record<keyof WorkerApi, true> = {
  init: true,
  track: true,
  rerank: true,
  impression: true,
  profile: true,
  explain: true,
  explainLast: true,
  exportData: true,
  erase: true,
  setDeclared: true,
  removeInterest: true,
  restoreInterest: true,
  reports: true,
};
const METHODS: ReadonlySet<string> = new Set(Object.keys(CALLABLE));

const scope = self as unknown as {
  postMessage(message: RpcReply): void;
  addEventListener(type: 'message', fn: (ev: MessageEvent<RpcCall>) => void): void;
};

function reply(i: number, r: unknown): void {
  try {
    scope.postMessage({ i, r });
  } catch (err) {
    scope.postMessage({ i, e: `answer could not be sent (${err instanceof Error ? err.message : String(err)})` });
  }
}

scope.addEventListener('message', (ev) => {
  const call = ev.data;
  if (call === null || typeof call !== 'object' || typeof call.i !== 'number') return;
  const { i, m } = call;
  if (m === 'ping') {
    reply(i, true);
    return;
  }
  if (!METHODS.has(m)) {
    scope.postMessage({ i, e: `unknown call "${String(m)}"` });
    return;
  }
  const args = Array.isArray(call.a) ? call.a : [];
  let result: Promise<unknown>;
  try {
    result = Promise.resolve((service[m] as (...a: unknown[]) => unknown).apply(service, args));
  } catch (err) {
    result = Promise.reject(err);
  }
  result.then(
    (r) => reply(i, r),
    (err: unknown) => scope.postMessage({ i, e: err instanceof Error ? `${err.name}: ${err.message}` : String(err) }),
  );
});
