import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMeshSim, type MeshSim } from '@sextant/mesh-sim';
import { GraphPage } from '../pages/GraphPage';
import { launchBrowser } from '../support/browser';
import { RESULTS_DIR } from '../support/paths';
import { startServe, type RunningSextant } from '../support/sextant';
import { waitFor } from '../support/waitFor';
import { ensureWebBuild } from '../support/webBuild';

// `sextant serve` against the simulated cluster with a Prometheus URL nothing listens on: the
// page must say so in words and still show what the configuration alone tells.
describe('graph page when Prometheus is unreachable', () => {
  let dir: string;
  let sim: MeshSim;
  let sextant: RunningSextant;
  let browser: Browser;

  beforeAll(async () => {
    ensureWebBuild();
    dir = mkdtempSync(join(tmpdir(), 'sextant-e2e-'));
    sim = await startMeshSim({
      scenario: 'bookinfo',
      apiPort: 0,
      metricsPort: 0,
      traffic: false,
      kubeconfigOut: join(dir, 'kubeconfig'),
    });
    sextant = await startServe({ kubeconfig: sim.kubeconfig, prometheusUrl: 'http://127.0.0.1:1' });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await sextant?.stop();
    await sim?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('shows a banner and a configuration-only graph', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const graph = new GraphPage(page, sextant.url);
    await graph.goto('?namespaces=bookinfo&idleNodes=true');
    await graph.warningsBanner.waitFor({ timeout: 60_000 });
    const text = await graph.warningsBanner.innerText();
    expect(text).toMatch(/prometheus/i);
    // The configured services are still drawn, as idle nodes.
    const drawn = await graph.waitForGraph(1, 30_000);
    expect(drawn).toBeGreaterThan(0);
    await waitFor(async () => (await graph.figure(graph.summary, 'Telemetry')).length > 0, {
      timeoutMs: 5_000,
    });
    await page.screenshot({ path: join(RESULTS_DIR, 'graph-prometheus-down.png') });
    await page.close();
  });
});
