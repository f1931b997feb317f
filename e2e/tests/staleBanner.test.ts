import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMeshSim, type MeshSim, type MeshSimOptions } from '@sextant/mesh-sim';
import {
  startPrometheusProcess,
  type PrometheusProcess,
} from '../../apps/server/test/support/prometheusProcess';
import { GraphPage } from '../pages/GraphPage';
import { launchBrowser } from '../support/browser';
import { RESULTS_DIR } from '../support/paths';
import { startServe, type RunningSextant } from '../support/sextant';
import { waitFor } from '../support/waitFor';
import { ensureWebBuild } from '../support/webBuild';

const SCREENS = process.env.SEXTANT_SCREENS_DIR ?? RESULTS_DIR;

// A person looking at the graph while Prometheus dies and comes back, then while the Kubernetes
// API server restarts: a banner says what is not answering and how old the data is, and leaves
// by itself once it answers again.
describe('stale-data banner', () => {
  let dir: string;
  let simOptions: MeshSimOptions;
  let sim: MeshSim | undefined;
  let prom: PrometheusProcess;
  let sextant: RunningSextant;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    ensureWebBuild();
    dir = mkdtempSync(join(tmpdir(), 'sextant-e2e-stale-'));
    simOptions = {
      scenario: 'bookinfo',
      apiPort: 0,
      metricsPort: 0,
      stateDir: join(dir, 'state'),
      kubeconfigOut: join(dir, 'kubeconfig'),
      log: () => undefined,
    };
    sim = await startMeshSim(simOptions);
    simOptions.apiPort = Number(new URL(sim.apiServer).port);
    simOptions.metricsPort = Number(new URL(sim.metricsUrl).port);
    prom = await startPrometheusProcess(sim.metricsUrl);
    sextant = await startServe({ kubeconfig: sim.kubeconfig, prometheusUrl: prom.url });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    await sextant?.stop();
    await prom?.remove();
    await sim?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const banner = () => page.getByRole('status', { name: 'Stale data' });
  /** The banner's text now, without waiting for it to appear ('' when there is none). */
  const bannerText = async () => (await banner().allInnerTexts()).join('\n');

  async function screenshots(name: string): Promise<void> {
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      await page.screenshot({ path: join(SCREENS, `${name}-${colorScheme}.png`) });
    }
    await page.emulateMedia({ colorScheme: 'light' });
  }

  it('says nothing while everything answers', async () => {
    const graph = new GraphPage(page, sextant.url);
    await graph.goto('?namespaces=bookinfo&refresh=10s');
    await graph.waitForGraph(1, 60_000);
    // Wait for one status poll to have come back before asserting there is no banner.
    await page.waitForResponse((r) => r.url().endsWith('/api/status') && r.ok(), { timeout: 15_000 });
    expect(await banner().count()).toBe(0);
  });

  it('Prometheus stopped: the banner says it is not answering, since when, and the last good data', async () => {
    await prom.kill();
    await banner().waitFor({ timeout: 45_000 });
    const text = await banner().innerText();
    expect(text).toMatch(
      /Prometheus is not answering \(connection refused\) since .+\.\s+Last good data at .+ \(\d+ (s|min) old\)\. Showing configuration only\./,
    );
    await screenshots('stale-banner-prometheus');
  });

  it('Prometheus back: the banner goes away by itself', async () => {
    await prom.start();
    const t0 = Date.now();
    await banner().waitFor({ state: 'detached', timeout: 30_000 });
    expect(Date.now() - t0).toBeLessThan(15_000);
  });

  it('API server stopped: the banner says the configuration is stale and how old', async () => {
    await sim?.stop();
    sim = undefined;
    await waitFor(async () => /Kubernetes API server is not answering/.test(await bannerText()), {
      timeoutMs: 30_000,
    });
    const text = await banner().innerText();
    expect(text).toMatch(
      /The Kubernetes API server is not answering \(connection refused\) since .+\.\s+Configuration shown is from then \(\d+ s old\)/,
    );
    await screenshots('stale-banner-kubernetes');
  });

  it('API server back (same port and state): the banner goes away by itself', async () => {
    sim = await startMeshSim(simOptions);
    const t0 = Date.now();
    await waitFor(async () => !/Kubernetes API server/.test(await bannerText()), {
      timeoutMs: 30_000,
    });
    // Within the cache's 10 s relist plus one 5 s status poll.
    expect(Date.now() - t0).toBeLessThan(16_000);
  });
});
