/** A seeded random stream (mulberry32), so a simulation run is reproducible. */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
}

export function createRandom(seed: number): Random {
  let state = seed >>> 0 || 0x9e3779b9;
  return {
    next() {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}

export function normal(random: Random): number {
  const u = Math.max(random.next(), Number.EPSILON);
  const v = random.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Log-normal around `median` with shape `sigma` (0.3–0.8 looks like real service latency). */
export function logNormal(random: Random, median: number, sigma: number): number {
  return median * Math.exp(sigma * normal(random));
}

/** Poisson-distributed count with mean `lambda` (Knuth below 30, normal approximation above). */
export function poisson(random: Random, lambda: number): number {
  if (lambda <= 0) return 0;
  if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * normal(random)));
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = random.next();
  while (p > limit && k < 1000) {
    k++;
    p *= random.next();
  }
  return k;
}

/** True with probability `percent`/100. */
export function chance(random: Random, percent: number): boolean {
  return percent >= 100 || (percent > 0 && random.next() * 100 < percent);
}
