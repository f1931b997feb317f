import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphPage } from '../pages/GraphPage';
import { launchBrowser } from '../support/browser';
import { RESULTS_DIR } from '../support/paths';
import { startDemo, type RunningSextant } from '../support/sextant';
import { waitFor } from '../support/waitFor';
import { ensureWebBuild } from '../support/webBuild';
import { demoKubeconfig, kubectl } from '../support/kubectl';

// An operator injects a 50 % abort on reviews (as the service page's "Inject an error" does) and
// looks for it in the graph: the failing edge in the table with its flag in words, and the side
// panel explaining the flag. Against `sextant demo` (bookinfo, its traffic, a real Prometheus).
const ABORT = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts: [reviews]
  http:
  - fault:
      abort:
        percentage: { value: 50 }
        httpStatus: 503
    route:
    - destination: { host: reviews, subset: v1 }
      weight: 80
    - destination: { host: reviews, subset: v2 }
      weight: 20
`;

describe('a fault in the graph', () => {
  let demo: RunningSextant;
  let browser: Browser;
  let page: Page;
  let graph: GraphPage;
  let dir: string;

  beforeAll(async () => {
    ensureWebBuild();
    mkdirSync(RESULTS_DIR, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'sextant-e2e-faults-'));
    demo = await startDemo();
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
    graph = new GraphPage(page, demo.url);
    const file = join(dir, 'abort.yaml');
    writeFileSync(file, ABORT);
    kubectl(demoKubeconfig(demo.output()), ['-n', 'bookinfo', 'apply', '-f', file]);
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('shows the failing edge in the table with the flag in words', async () => {
    await graph.goto('?namespaces=bookinfo&view=table&refresh=10s');
    const row = graph.edgeRow('productpage v1', 'reviews');
    // Within a refresh or two of Prometheus scraping the aborts: the flag and its meaning.
    const cells = await waitFor(
      async () => {
        if ((await row.count()) === 0) return undefined;
        const texts = await row.first().getByRole('cell').allInnerTexts();
        const flagged = texts.some((t) => t.includes('FI (fault injected abort)'));
        return flagged && Number((texts[4] ?? '').replace('%', '')) > 20 ? texts : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 1000, what: 'FI on productpage v1 → reviews in the table' },
    );
    // Edge, protocol, state, rate, errors…: half of the window's requests at most, some at least.
    const errors = Number((cells[4] ?? '').replace('%', ''));
    expect(errors).toBeGreaterThan(20);
    expect(errors).toBeLessThan(65);
    expect(cells[2]).toBe('failure');
  });

  it('explains the flag in the side panel and shows the destination’s view apart', async () => {
    await page.getByRole('button', { name: 'productpage v1 → reviews', exact: true }).first().click();
    const panel = graph.details('productpage v1 → reviews');
    await panel.waitFor();
    const flags = panel.getByRole('table', { name: 'Responses by flag' });
    const fi = flags.getByRole('row').filter({ hasText: 'FI' });
    await fi.first().waitFor();
    expect(await fi.first().innerText()).toContain('fault injected abort');
    expect(await panel.getByText('As the caller’s proxy saw it.').isVisible()).toBe(true);
    // The destination never saw the aborted requests: its own view is shown next to the caller's.
    await panel.getByRole('heading', { name: 'As the destination saw it' }).waitFor();
    await page.screenshot({ path: join(RESULTS_DIR, 'graph-fault-panel-light.png') });
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    await page.screenshot({ path: join(RESULTS_DIR, 'graph-fault-panel-dark.png') });
  });

  it('draws the aborted requests into an unknown destination', async () => {
    await page.getByRole('button', { name: 'Clear selection' }).click();
    const row = graph.edgeRow('reviews', 'unknown destination');
    await row.first().waitFor({ timeout: 30_000 });
    const cells = await row.first().getByRole('cell').allInnerTexts();
    expect(cells[4]).toBe('100%');
    expect(cells.some((t) => t.includes('FI (fault injected abort)'))).toBe(true);
    await graph.showGraph();
    await graph.waitForGraph(8);
    await page.screenshot({ path: join(RESULTS_DIR, 'graph-fault-dark.png') });
  });

  it('shows TCP bytes both ways with a throughput label, and gRPC statuses (boutique)', async () => {
    await page.getByRole('button', { name: 'Switch to light theme' }).click();
    await graph.goto('?namespaces=boutique&graphType=service&view=table&refresh=10s');
    const tcp = graph.edgeRow('cartservice', 'redis-cart');
    await tcp.first().waitFor({ timeout: 90_000 });
    expect((await tcp.first().getByRole('cell').allInnerTexts())[1]).toBe('tcp');
    await page.getByRole('button', { name: 'cartservice → redis-cart', exact: true }).first().click();
    const panel = graph.details('cartservice → redis-cart');
    await panel.waitFor();
    expect(await graph.figure(panel, 'Sent \\(to destination\\)')).toMatch(/B\/s$/);
    expect(await graph.figure(panel, 'Received \\(from destination\\)')).toMatch(/B\/s$/);
    await page.screenshot({ path: join(RESULTS_DIR, 'graph-tcp-panel-light.png') });

    const grpc = graph.edgesTable
      .getByRole('row')
      .filter({ has: page.getByRole('cell', { name: 'grpc', exact: true }) });
    await grpc.first().waitFor({ timeout: 30_000 });
    await grpc.first().getByRole('button').first().click();
    const statuses = page.getByRole('table', { name: 'gRPC statuses' });
    await statuses.waitFor();
    expect(await statuses.innerText()).toContain('OK');

    await graph.page.getByLabel('Edge labels').selectOption({ label: 'Throughput (TCP bytes/s)' });
    await waitFor(() => graph.searchParam('edgeLabels') === 'throughput', {
      timeoutMs: 5_000,
      what: 'edgeLabels in the URL',
    });
    await graph.showGraph();
    await graph.waitForGraph(3);
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    await page.screenshot({ path: join(RESULTS_DIR, 'graph-tcp-throughput-dark.png') });
  });
});
