/**
 * The only module that imports tfjs. It wires up a lean tfjs: the cpu backend class and exactly the
 * kernels and gradients the FM trainer and scorer use, imported file by file, instead of the
 * packages' entry points, which register every kernel (backend-cpu) on import and defeat
 * tree-shaking (NOTES.md: 87 KB → ~30 KB gzip for core + cpu).
 *
 * Why the tfjs-core API comes from the bare `@tensorflow/tfjs-core` and not `dist/base`: under plain
 * Node ESM (tsx: the bench and the prior CLI) `dist/base` does not load (its extensionless
 * `./gradients` import is ambiguous with the `gradients/` folder, and `dist/platforms/platform_node`
 * calls `require`). The bare name gives Node the CommonJS bundle and a bundler the ESM `dist/index`,
 * which already carries the required side effects (engine, flags, platform). A vite alias of the
 * bare name to a shim (`base_side_effects` + `export * from dist/base`) trims ~3 KB more in the
 * browser. In Node the deep ESM kernel/gradient files run beside the CJS core; tfjs keeps its
 * engine and registries on globalThis, so both copies share them.
 */

import {
  type GradConfig,
  type KernelConfig,
  getBackend,
  registerBackend,
  registerGradient,
  registerKernel,
  setBackend,
} from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu/dist/backend_cpu';
import { addConfig } from '@tensorflow/tfjs-backend-cpu/dist/kernels/Add';
import { batchMatMulConfig } from '@tensorflow/tfjs-backend-cpu/dist/kernels/BatchMatMul';
import { castConfig } from '@tensorflow/tfjs-backend-cpu/dist/kernels/Cast';
import { identityConfig } from '@tensorflow/tfjs-backend-cpu/dist/kernels/Identity';
import { multiplyConfig } from '@tensorflow/tfjs-backend-cpu/dist/kernels/Multiply';
import { negConfig } from '@tensorflow/tfjs-backend-cpu/dist/kernels/Neg';
import { reshapeConfig } from '@tensorflow/tfjs-backend-cpu/dist/kernels/Reshape';
import { sigmoidConfig } from '@tensorflow/tfjs-backend-cpu/dist/kernels/Sigmoid';
import { softplusConfig } from '@tensorflow/tfjs-backend-cpu/dist/kernels/Softplus';
import { squareConfig } from '@tensorflow/tfjs-backend-cpu/dist/kernels/Square';
import { subConfig } from '@tensorflow/tfjs-backend-cpu/dist/kernels/Sub';
import { sumConfig } from '@tensorflow/tfjs-backend-cpu/dist/kernels/Sum';
import { addGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Add_grad';
import { batchMatMulGradConfig } from '@tensorflow/tfjs-core/dist/gradients/BatchMatMul_grad';
import { multiplyGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Multiply_grad';
import { negGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Neg_grad';
import { reshapeGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Reshape_grad';
import { softplusGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Softplus_grad';
import { squareGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Square_grad';
import { subGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Sub_grad';
import { sumGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Sum_grad';

export {
  add,
  dispose,
  matMul,
  memory,
  mul,
  neg,
  reshape,
  scalar,
  softplus,
  square,
  sub,
  sum,
  tensor1d,
  tensor2d,
  tidy,
  variable,
  variableGrads,
  type Scalar,
  type Tensor,
  type Tensor1D,
  type Tensor2D,
  type Variable,
} from '@tensorflow/tfjs-core';

/** Kernels the FM forward and backward passes and the SGD update run (cpu backend). */
const KERNELS: readonly KernelConfig[] = [
  addConfig,
  batchMatMulConfig,
  castConfig,
  identityConfig,
  multiplyConfig,
  negConfig,
  reshapeConfig,
  sigmoidConfig,
  softplusConfig,
  squareConfig,
  subConfig,
  sumConfig,
];

/** Gradients of the kernels above that sit on a path from the loss to a variable. */
const GRADIENTS: readonly GradConfig[] = [
  addGradConfig,
  batchMatMulGradConfig,
  multiplyGradConfig,
  negGradConfig,
  reshapeGradConfig,
  softplusGradConfig,
  squareGradConfig,
  subGradConfig,
  sumGradConfig,
];

/** Names of the registered kernels, for tests and size budgets. */
export const REGISTERED_KERNELS: readonly string[] = KERNELS.map((k) => k.kernelName);

let ready = false;

/**
 * Registers the cpu backend, the kernels and the gradients once, and selects the backend.
 * Idempotent; every tfjs-using function calls it first, so importing this module stays cheap.
 * @example ensureTf(); const t = tensor1d([1, 2]);
 */
export function ensureTf(): void {
  if (ready) return;
  // Registering twice logs a warning per kernel (e.g. when a host page also loads full tfjs):
  // only register when the backend is not there yet.
  registerBackend('cpu', () => new MathBackendCPU(), 1);
  for (const k of KERNELS) registerKernel({ ...k, backendName: 'cpu' });
  for (const g of GRADIENTS) registerGradient(g);
  // setBackend is async in the API, but the cpu backend has no async init, so it is ready
  // synchronously once getBackend() names it.
  void setBackend('cpu');
  if (getBackend() !== 'cpu') throw new Error('TfInitError: the tfjs cpu backend did not start');
  ready = true;
}
