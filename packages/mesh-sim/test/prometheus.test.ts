import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrometheus } from '../src/prometheus';
import type { RunningPrometheus } from '../src/prometheus';
import { promQuery } from './helpers/promQuery';
import { waitFor } from './helpers/waitFor';

describe('startPrometheus', () => {
  let target: Server;
  let targetUrl: string;
  let hits = 0;
  let prometheus: RunningPrometheus | undefined;

  beforeAll(async () => {
    target = createServer((req, res) => {
      if (req.url !== '/custom/metrics') {
        res.writeHead(404).end();
        return;
      }
      hits++;
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
      // `job` and `namespace` come from the target: honor_labels keeps them as they are.
      res.end(
        `# TYPE demo_hits_total counter\ndemo_hits_total{job="from-target",namespace="bookinfo",pod="p-1"} ${hits}\n`,
      );
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', () => resolve()));
    targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}/custom/metrics`;
  });

  afterAll(async () => {
    await prometheus?.stop();
    await new Promise<void>((resolve) => target.close(() => resolve()));
  });

  it('scrapes every second with honor_labels under the job kubernetes-pods, and stops', async () => {
    prometheus = await startPrometheus({ scrapeUrls: [targetUrl] });
    expect(prometheus.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const url = prometheus.url;

    const series = await waitFor(
      async () => {
        const result = await promQuery(url, 'demo_hits_total');
        return result.length > 0 && Number(result[0]?.value[1]) >= 3 ? result : undefined;
      },
      { intervalMs: 250, timeoutMs: 20_000 },
    );
    expect(series[0]?.metric).toMatchObject({ job: 'from-target', namespace: 'bookinfo', pod: 'p-1' });
    const up = await promQuery(url, 'up');
    expect(up.map((r) => r.metric.job)).toEqual(['kubernetes-pods']);
    // Scraped every second: after three more scrapes the counter has moved by three or so.
    const start = hits;
    await waitFor(async () => (hits >= start + 3 ? true : undefined), { intervalMs: 250, timeoutMs: 10_000 });

    await prometheus.stop();
    prometheus = undefined;
    await expect(fetch(`${url}/-/ready`)).rejects.toThrow();
  });

  it('explains a missing binary', async () => {
    await expect(
      startPrometheus({ scrapeUrls: [targetUrl], binary: '/nonexistent/prometheus' }),
    ).rejects.toThrow(/not found.*apt-get install prometheus/);
  });
});
