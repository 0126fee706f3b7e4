/**
 * Runs named pipeline steps one after another, measuring each: wall time, peak resident memory of the
 * process (DuckDB runs inside it, so this includes the engine) and peak V8 heap, sampled every 50 ms.
 */

/** Measurements of one step. */
export interface StepStats {
  name: string;
  seconds: number;
  /** CPU time of the process during the step (user + system, every thread: engine included), s. */
  cpuSeconds: number;
  /** Peak resident set size during the step, MB (engine included). */
  peakRssMb: number;
  /** Peak V8 heap used during the step, MB (typed arrays live outside it, see `peakExternalMb`). */
  peakHeapMb: number;
  /** Peak memory of ArrayBuffers and other external allocations, MB. */
  peakExternalMb: number;
  /** The step threw (its error goes on to the caller); the figures cover it up to then. */
  failed?: true;
}

/** Progress callbacks of a run. */
export interface StepListener {
  /** A step starts. */
  start?(name: string): void;
  /** A step ended. */
  end?(stats: StepStats): void;
  /**
   * Periodic tick while a step runs (every ~200 ms), for progress bars; `percent` is the engine's
   * estimate for its running query (undefined when unknown or when Node is doing the work).
   */
  tick?(name: string, elapsedSeconds: number, percent: number | undefined): void;
}

const MB = 1024 * 1024;

/** Runs steps in order and collects their stats. */
export class StepRunner {
  readonly stats: StepStats[] = [];
  private current: (() => void) | undefined;
  constructor(
    private readonly listener: StepListener = {},
    private readonly progress: () => number | undefined = () => undefined,
  ) {}

  /** Takes a memory sample now: long synchronous work (which blocks the timer) calls this between passes. */
  sample(): void {
    this.current?.();
  }

  /** Runs `fn` as step `name`. */
  async run<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
    this.listener.start?.(name);
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    let peakRss = 0;
    let peakHeap = 0;
    let peakExternal = 0;
    let ticks = 0;
    const sample = () => {
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
      peakExternal = Math.max(peakExternal, m.external + m.arrayBuffers);
      if (++ticks % 4 === 0) this.listener.tick?.(name, (performance.now() - t0) / 1000, this.progress());
    };
    sample();
    this.current = sample;
    const timer = setInterval(sample, 50);
    let failed = true;
    try {
      const result = await fn();
      failed = false;
      return result;
    } finally {
      clearInterval(timer);
      sample();
      this.current = undefined;
      const stats: StepStats = {
        name,
        seconds: (performance.now() - t0) / 1000,
        cpuSeconds: ((c) => (c.user + c.system) / 1e6)(process.cpuUsage(cpu0)),
        peakRssMb: peakRss / MB,
        peakHeapMb: peakHeap / MB,
        peakExternalMb: peakExternal / MB,
        ...(failed ? { failed: true as const } : {}),
      };
      this.stats.push(stats);
      this.listener.end?.(stats);
    }
  }
}
