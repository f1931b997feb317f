/**
 * A circuit breaker for Prometheus: after `failureThreshold` consecutive failures or timeouts it
 * opens, and every query fails at once (the graph is drawn from configuration alone) instead of
 * each request waiting out the timeout again. While open, a background probe asks Prometheus a
 * cheap question every `probeIntervalMs`; the first answer closes the circuit.
 */

export type BreakerState = 'closed' | 'open' | 'half_open';

/** Why Prometheus failed, in the words the graph warning and the banner use. */
export type FailureKind = 'down' | 'slow' | 'error';

export interface BreakerFailure {
  kind: FailureKind;
  message: string;
  /** A few words, e.g. "connection refused", "HTTP 503". */
  reason?: string;
}

export interface BreakerSnapshot {
  state: BreakerState;
  consecutiveFailures: number;
  /** Epoch ms of the last answer Prometheus gave. */
  lastSuccessAt?: number;
  /** Epoch ms when the current run of failures began (cleared by a success). */
  failingSince?: number;
  /** Epoch ms when the circuit last opened. */
  openedAt?: number;
  lastFailure?: BreakerFailure & { at: number };
}

export interface CircuitBreakerOptions {
  failureThreshold?: number;
  probeIntervalMs?: number;
  /** Asks Prometheus something cheap; rejects with the failure when it does not answer. */
  probe: () => Promise<void>;
  classify: (err: unknown) => BreakerFailure;
  now?: () => number;
  onStateChange?: (state: BreakerState, snapshot: BreakerSnapshot) => void;
}

/** Thrown instead of sending a query while the circuit is open. */
export class CircuitOpenError extends Error {
  constructor(
    message: string,
    readonly snapshot: BreakerSnapshot,
  ) {
    super(message);
    this.name = 'CircuitOpenError';
  }
}

export class CircuitBreaker {
  private state: BreakerState = 'closed';
  private consecutiveFailures = 0;
  private lastSuccessAt?: number;
  private failingSince?: number;
  private openedAt?: number;
  private lastFailure?: BreakerFailure & { at: number };
  private timer?: NodeJS.Timeout;
  private readonly failureThreshold: number;
  private readonly probeIntervalMs: number;
  private readonly now: () => number;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.failureThreshold = options.failureThreshold ?? 3;
    this.probeIntervalMs = options.probeIntervalMs ?? 2_000;
    this.now = options.now ?? Date.now;
  }

  /** Throws CircuitOpenError while the circuit is open or a probe is deciding. */
  check(): void {
    if (this.state === 'closed') return;
    const snapshot = this.snapshot();
    throw new CircuitOpenError(describeOpen(snapshot), snapshot);
  }

  /** Runs `send` through the breaker: fails fast while open, counts the outcome otherwise. */
  async run<T>(send: () => Promise<T>, counts: (err: unknown) => boolean): Promise<T> {
    this.check();
    try {
      const value = await send();
      this.succeeded();
      return value;
    } catch (err) {
      if (counts(err)) this.failed(err);
      throw err;
    }
  }

  succeeded(): void {
    this.lastSuccessAt = this.now();
    this.consecutiveFailures = 0;
    this.failingSince = undefined;
    if (this.state !== 'closed') this.setState('closed');
  }

  failed(err: unknown): void {
    const at = this.now();
    this.lastFailure = { ...this.options.classify(err), at };
    this.consecutiveFailures += 1;
    this.failingSince ??= at;
    if (this.state === 'closed' && this.consecutiveFailures >= this.failureThreshold) {
      this.openedAt = at;
      this.setState('open');
      this.scheduleProbe();
    }
  }

  snapshot(): BreakerSnapshot {
    return {
      state: this.state,
      consecutiveFailures: this.consecutiveFailures,
      lastSuccessAt: this.lastSuccessAt,
      failingSince: this.failingSince,
      openedAt: this.openedAt,
      lastFailure: this.lastFailure,
    };
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private scheduleProbe(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.probe(), this.probeIntervalMs);
    // The probe must never keep the process alive.
    this.timer.unref();
  }

  private async probe(): Promise<void> {
    this.timer = undefined;
    if (this.state === 'closed') return;
    this.setState('half_open');
    try {
      await this.options.probe();
      this.succeeded();
    } catch (err) {
      const at = this.now();
      this.lastFailure = { ...this.options.classify(err), at };
      this.consecutiveFailures += 1;
      this.setState('open');
      this.scheduleProbe();
    }
  }

  private setState(state: BreakerState): void {
    if (this.state === state) return;
    this.state = state;
    this.options.onStateChange?.(state, this.snapshot());
  }
}

/** HH:MM:SS in UTC, for messages a person reads next to server logs. */
export const utcClock = (ms: number): string => new Date(ms).toISOString().slice(11, 19);
const clock = utcClock;

/** What a person reads while the circuit is open (times are UTC, HH:MM:SS). */
export function describeOpen(s: BreakerSnapshot): string {
  const f = s.lastFailure;
  const why = f?.reason ? ` (${f.reason})` : '';
  const cause =
    f?.kind === 'slow'
      ? `is too slow${why}`
      : f?.kind === 'error'
        ? `is failing${why}`
        : `is not answering${why}`;
  const since = s.failingSince !== undefined ? ` since ${clock(s.failingSince)} UTC` : '';
  const lastGood =
    s.lastSuccessAt !== undefined
      ? `last good data at ${clock(s.lastSuccessAt)} UTC`
      : 'no good answer since Sextant started';
  return `Prometheus ${cause}${since}; ${lastGood}. Sextant stopped asking for now and checks again in the background.`;
}

/** Node's socket error codes in words. */
export function reasonOfCode(code: string): string {
  const words: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset',
    ENOTFOUND: 'host not found',
    EHOSTUNREACH: 'host unreachable',
    ETIMEDOUT: 'connection timed out',
    UND_ERR_SOCKET: 'connection closed',
  };
  return words[code] ?? code;
}
