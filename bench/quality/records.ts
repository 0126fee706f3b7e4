/** Per-step results of one policy on one protocol, kept compactly so anyone can recompute metrics. */
import { type TargetPlacement, expectedRank } from './metrics';

export interface StepRecord {
  user: string;
  /** Number of the shopper's events observed before this step. */
  step: number;
  split: string;
  /** Expected 1-based rank of the target under a uniform tie-break. */
  rank: number;
  repeat: boolean;
  /** Other candidates tied with the target (omitted when 0). */
  ties?: number;
}

export class StepRecords {
  readonly users: string[] = [];
  private userIdx: number[] = [];
  private steps: number[] = [];
  private splits: number[] = [];
  private greater: number[] = [];
  private tieCounts: number[] = [];
  private repeats: number[] = [];
  private readonly splitNames: string[] = [];

  get length(): number {
    return this.steps.length;
  }

  /** Registers a user; returns its index for {@link add}. */
  addUser(id: string): number {
    this.users.push(id);
    return this.users.length - 1;
  }

  add(user: number, step: number, split: string, p: TargetPlacement, repeat: boolean): void {
    let s = this.splitNames.indexOf(split);
    if (s < 0) s = this.splitNames.push(split) - 1;
    this.userIdx.push(user);
    this.steps.push(step);
    this.splits.push(s);
    this.greater.push(p.greater);
    this.tieCounts.push(p.ties);
    this.repeats.push(repeat ? 1 : 0);
  }

  get(i: number): StepRecord & { placement: TargetPlacement; userIndex: number } {
    const placement = { greater: this.greater[i]!, ties: this.tieCounts[i]! };
    const rec: StepRecord & { placement: TargetPlacement; userIndex: number } = {
      user: this.users[this.userIdx[i]!]!,
      userIndex: this.userIdx[i]!,
      step: this.steps[i]!,
      split: this.splitNames[this.splits[i]!]!,
      rank: expectedRank(placement),
      repeat: this.repeats[i] === 1,
      placement,
    };
    if (placement.ties) rec.ties = placement.ties;
    return rec;
  }

  /** JSON lines ({user, step, split, rank, repeat[, ties]}). */
  *jsonLines(): Generator<string> {
    for (let i = 0; i < this.length; i++) {
      const { placement: _p, userIndex: _u, ...rec } = this.get(i);
      yield JSON.stringify(rec);
    }
  }
}
