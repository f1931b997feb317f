import { describe, expect, it } from 'vitest';
import { formatLabels, MetricRegistry, parseLabels } from './registry';

describe('MetricRegistry', () => {
  it('renders counters with HELP/TYPE and accumulates per label string', () => {
    const registry = new MetricRegistry();
    const counter = registry.counter('demo_total', 'A demo counter.');
    const labels = formatLabels({ a: 'x', b: 'y' });
    counter.add(labels);
    counter.add(labels, 2);
    expect(registry.render()).toBe(
      '# HELP demo_total A demo counter.\n# TYPE demo_total counter\ndemo_total{a="x",b="y"} 3\n',
    );
    expect(() => counter.add(labels, -1)).toThrow(/cannot decrease/);
  });

  it('renders cumulative histogram buckets, +Inf, sum and count', () => {
    const registry = new MetricRegistry();
    const histogram = registry.histogram('lat_ms', 'Latency.', [1, 10, 100]);
    histogram.observe('k="v"', 0.5);
    histogram.observe('k="v"', 10);
    histogram.observe('k="v"', 7000, 2);
    const lines = registry.render().trim().split('\n');
    expect(lines).toEqual([
      '# HELP lat_ms Latency.',
      '# TYPE lat_ms histogram',
      'lat_ms_bucket{k="v",le="1"} 1',
      'lat_ms_bucket{k="v",le="10"} 2',
      'lat_ms_bucket{k="v",le="100"} 2',
      'lat_ms_bucket{k="v",le="+Inf"} 4',
      'lat_ms_sum{k="v"} 14010.5',
      'lat_ms_count{k="v"} 4',
    ]);
    expect(registry.seriesCount()).toBe(6);
    const samples = registry.collect();
    expect(samples).toContainEqual({ name: 'lat_ms_bucket', labels: { k: 'v', le: '+Inf' }, value: 4 });
    expect(samples).toContainEqual({ name: 'lat_ms_count', labels: { k: 'v' }, value: 4 });
  });

  it('escapes label values and parses them back', () => {
    const labels = { path: 'a"b\\c\nd', empty: '' };
    const text = formatLabels(labels);
    expect(text).toBe('path="a\\"b\\\\c\\nd",empty=""');
    expect(parseLabels(text)).toEqual(labels);
  });

  it('streams the same exposition in chunks', () => {
    const registry = new MetricRegistry();
    const counter = registry.counter('a_total', 'A.');
    const histogram = registry.histogram('b_ms', 'B.', [1, 10]);
    for (let i = 0; i < 10; i++) {
      counter.add(`i="${i}"`, i);
      histogram.observe(`i="${i}"`, i);
    }
    const chunks: string[] = [];
    registry.write((chunk) => chunks.push(chunk), 3);
    expect(chunks.length).toBeGreaterThan(5);
    expect(chunks.join('')).toBe(registry.render());
  });

  it('omits families without series', () => {
    const registry = new MetricRegistry();
    registry.counter('unused_total', 'Never incremented.');
    expect(registry.render()).toBe('');
  });
});
