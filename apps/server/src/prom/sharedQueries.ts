/**
 * Shares PromQL answers between callers. Evaluation times are rounded down to a bucket (5 s by
 * default, below the UI's shortest refresh), so every user asking the same query within one
 * bucket asks Prometheus the same question: identical queries in flight are sent once (single
 * flight) and the answer is kept until the bucket ends. Failures are never kept.
 */

export interface SharedQueryStats {
  /** Answered from a kept answer. */
  hits: number;
  /** Sent to Prometheus. */
  misses: number;
  /** Waited for an identical query already in flight. */
  inFlightJoins: number;
  /** (hits + in-flight joins) / all lookups; 0 before the first. */
  hitRate: number;
  /** Answers kept right now. */
  entries: number;
}

interface Entry<T> {
  bucket: number;
  promise: Promise<T>;
  settled: boolean;
}

export class SharedQueries<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private hits = 0;
  private misses = 0;
  private joins = 0;

  constructor(
    /** Bucket width in ms; the evaluation time is rounded down to it. */
    readonly bucketMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The evaluation time (epoch seconds) every caller in this bucket shares. */
  evaluationTime(): number {
    return (Math.floor(this.now() / this.bucketMs) * this.bucketMs) / 1000;
  }

  /**
   * Answers `key` at `time` from a kept or in-flight answer, or calls `send` once. The caller's
   * own `signal` only stops its wait: other callers may still want the shared answer.
   */
  async get(key: string, time: number, send: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    this.evictOlderThan(time);
    const id = `${time}\u0000${key}`;
    const existing = this.entries.get(id);
    let promise: Promise<T>;
    if (existing) {
      if (existing.settled) this.hits += 1;
      else this.joins += 1;
      promise = existing.promise;
    } else {
      this.misses += 1;
      const entry: Entry<T> = { bucket: time, settled: false, promise: send() };
      this.entries.set(id, entry);
      entry.promise.then(
        () => {
          entry.settled = true;
        },
        () => {
          // A failure is not an answer: the next caller asks again.
          if (this.entries.get(id) === entry) this.entries.delete(id);
        },
      );
      promise = entry.promise;
    }
    return signal ? raceAbort(promise, signal) : promise;
  }

  /** Whether `key` at `time` would be answered from a kept answer, an in-flight one, or neither. */
  peek(key: string, time: number): 'kept' | 'in_flight' | undefined {
    const entry = this.entries.get(`${time}\u0000${key}`);
    if (!entry) return undefined;
    return entry.settled ? 'kept' : 'in_flight';
  }

  stats(): SharedQueryStats {
    const lookups = this.hits + this.misses + this.joins;
    return {
      hits: this.hits,
      misses: this.misses,
      inFlightJoins: this.joins,
      hitRate: lookups === 0 ? 0 : (this.hits + this.joins) / lookups,
      entries: this.entries.size,
    };
  }

  private evictOlderThan(time: number): void {
    for (const [id, entry] of this.entries) {
      if (entry.bucket < time && entry.settled) this.entries.delete(id);
    }
  }
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e as Error);
      },
    );
  });
}
