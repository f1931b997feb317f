/**
 * A minimal Prometheus registry tuned for many series: each series is keyed by its
 * pre-rendered label string (`a="x",b="y"`), so recording is one Map lookup and rendering is
 * string joins. Counters only ever grow (Prometheus relies on monotonic counters).
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Escapes a label value for the text exposition format. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/** Renders labels in the given order as `a="x",b="y"`. */
export function formatLabels(labels: Record<string, string>): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(labels)) parts.push(`${name}="${escapeLabelValue(value)}"`);
  return parts.join(',');
}

/** Inverse of formatLabels, used only by collect(). */
export function parseLabels(labelString: string): Record<string, string> {
  const labels: Record<string, string> = {};
  const pattern = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
  for (const match of labelString.matchAll(pattern)) {
    const name = match[1];
    const raw = match[2];
    if (name === undefined || raw === undefined) continue;
    labels[name] = raw.replace(/\\(.)/g, (_m, c: string) => (c === 'n' ? '\n' : c));
  }
  return labels;
}

function formatValue(value: number): string {
  if (value === Infinity) return '+Inf';
  return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(6)));
}

export class CounterFamily {
  readonly series = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  add(labelString: string, value = 1): void {
    if (value < 0) throw new Error(`counter ${this.name} cannot decrease`);
    this.series.set(labelString, (this.series.get(labelString) ?? 0) + value);
  }

  render(out: string[]): void {
    for (const _ of this.renderSteps(out));
  }

  /** Pushes the lines of one series per step. */
  *renderSteps(out: string[]): Generator<void> {
    if (this.series.size === 0) return;
    out.push(`# HELP ${this.name} ${this.help}\n# TYPE ${this.name} counter\n`);
    const prefix = `${this.name}{`;
    for (const [labels, value] of this.series) {
      out.push(`${prefix}${labels}} ${formatValue(value)}\n`);
      yield;
    }
  }

  collect(out: Sample[]): void {
    for (const [labels, value] of this.series)
      out.push({ name: this.name, labels: parseLabels(labels), value });
  }
}

interface HistogramSeries {
  /** Non-cumulative counts per bucket; the last slot is +Inf. */
  counts: number[];
  sum: number;
  count: number;
}

export class HistogramFamily {
  readonly series = new Map<string, HistogramSeries>();
  private readonly leSuffixes: string[];

  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: readonly number[],
  ) {
    this.leSuffixes = [...buckets.map((b) => `le="${formatValue(b)}"`), 'le="+Inf"'];
  }

  /** Records `count` observations of `value` (count > 1 lets a simulator batch identical requests). */
  observe(labelString: string, value: number, count = 1): void {
    let series = this.series.get(labelString);
    if (!series) {
      series = { counts: new Array<number>(this.buckets.length + 1).fill(0), sum: 0, count: 0 };
      this.series.set(labelString, series);
    }
    let index = 0;
    while (index < this.buckets.length && value > (this.buckets[index] ?? Infinity)) index++;
    series.counts[index] = (series.counts[index] ?? 0) + count;
    series.sum += value * count;
    series.count += count;
  }

  render(out: string[]): void {
    for (const _ of this.renderSteps(out));
  }

  /** Pushes the lines of one series per step. */
  *renderSteps(out: string[]): Generator<void> {
    if (this.series.size === 0) return;
    out.push(`# HELP ${this.name} ${this.help}\n# TYPE ${this.name} histogram\n`);
    const bucketPrefix = `${this.name}_bucket{`;
    for (const [labels, series] of this.series) {
      let cumulative = 0;
      const head = `${bucketPrefix}${labels},`;
      for (let i = 0; i < this.leSuffixes.length; i++) {
        cumulative += series.counts[i] ?? 0;
        out.push(`${head}${this.leSuffixes[i] ?? ''}} ${cumulative}\n`);
      }
      out.push(`${this.name}_sum{${labels}} ${formatValue(series.sum)}\n`);
      out.push(`${this.name}_count{${labels}} ${series.count}\n`);
      yield;
    }
  }

  collect(out: Sample[]): void {
    for (const [labelString, series] of this.series) {
      const labels = parseLabels(labelString);
      let cumulative = 0;
      for (let i = 0; i <= this.buckets.length; i++) {
        cumulative += series.counts[i] ?? 0;
        const le = i < this.buckets.length ? formatValue(this.buckets[i] ?? Infinity) : '+Inf';
        out.push({ name: `${this.name}_bucket`, labels: { ...labels, le }, value: cumulative });
      }
      out.push({ name: `${this.name}_sum`, labels, value: series.sum });
      out.push({ name: `${this.name}_count`, labels, value: series.count });
    }
  }

  /** Lines this family renders (buckets + sum + count per series). */
  lineCount(): number {
    return this.series.size * (this.buckets.length + 3);
  }
}

/** Below V8's maximum string length (2^29 - 24 characters). */
const MAX_STRING_CHARS = 500_000_000;

export class MetricRegistry {
  private readonly families: (CounterFamily | HistogramFamily)[] = [];

  counter(name: string, help: string): CounterFamily {
    const family = new CounterFamily(name, help);
    this.families.push(family);
    return family;
  }

  histogram(name: string, help: string, buckets: readonly number[]): HistogramFamily {
    const family = new HistogramFamily(name, help, buckets);
    this.families.push(family);
    return family;
  }

  /** The whole exposition as one string; throws a clear error past V8's string limit (use chunks()). */
  render(): string {
    const parts: string[] = [];
    let length = 0;
    for (const chunk of this.chunks()) {
      length += chunk.length;
      if (length > MAX_STRING_CHARS) {
        throw new Error(
          `metrics exposition exceeds ${MAX_STRING_CHARS} characters (${this.seriesCount()} series): stream it with chunks()/metricsChunks()`,
        );
      }
      parts.push(chunk);
    }
    return parts.join('');
  }

  /** Streams the exposition in chunks of roughly `chunkLines` lines. */
  write(write: (chunk: string) => void, chunkLines = 20_000): void {
    for (const chunk of this.chunks(chunkLines)) write(chunk);
  }

  /**
   * The exposition as a lazy sequence of chunks, so an HTTP handler can yield to the event loop
   * between them (`Readable.from(registry.chunks())`).
   */
  *chunks(chunkLines = 20_000): Generator<string> {
    const out: string[] = [];
    for (const family of this.families) {
      for (const _ of family.renderSteps(out)) {
        if (out.length >= chunkLines) {
          yield out.join('');
          out.length = 0;
        }
      }
    }
    if (out.length > 0) yield out.join('');
  }

  collect(): Sample[] {
    const out: Sample[] = [];
    for (const family of this.families) family.collect(out);
    return out;
  }

  /** Exposed time series, counting each histogram bucket, `_sum` and `_count` as Prometheus does. */
  seriesCount(): number {
    let total = 0;
    for (const family of this.families) {
      total += family instanceof HistogramFamily ? family.lineCount() : family.series.size;
    }
    return total;
  }
}
