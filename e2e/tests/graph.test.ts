import { mkdirSync } from 'node:fs';
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

// A person's path through the graph page, against `sextant demo` (simulated bookinfo mesh,
// its traffic, a real Prometheus) in the system Chromium.
describe('graph page on the demo', () => {
  let demo: RunningSextant;
  let browser: Browser;
  let page: Page;
  let graph: GraphPage;

  beforeAll(async () => {
    ensureWebBuild();
    mkdirSync(RESULTS_DIR, { recursive: true });
    demo = await startDemo();
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
    graph = new GraphPage(page, demo.url);
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  it('opens on the application namespaces and draws the graph', async () => {
    // A 10 s refresh so the page picks up traffic as soon as Prometheus has two scrapes.
    await graph.goto('?refresh=10s');
    await waitFor(() => graph.searchParam('namespaces'), {
      timeoutMs: 30_000,
      what: 'default namespaces in the URL',
    });
    expect(graph.searchParam('namespaces')?.split(',')).toEqual(expect.arrayContaining(['bookinfo']));
    expect(graph.searchParam('namespaces')?.split(',')).not.toContain('istio-system');

    // productpage, details, ratings, reviews ×3 and their services at least.
    const drawn = await graph.waitForGraph(8, 120_000);
    expect(Number(await graph.figure(graph.summary, 'Nodes'))).toBe(drawn);
    expect(Number(await graph.figure(graph.summary, 'Edges'))).toBeGreaterThan(0);
    const box = await graph.canvas.locator('canvas').first().boundingBox();
    expect(box?.width).toBeGreaterThan(400);
    expect(box?.height).toBeGreaterThan(300);
    await page.screenshot({ path: join(RESULTS_DIR, 'graph-light.png') });
  });

  it('lists productpage → reviews with its traffic in the table', async () => {
    await graph.showTable();
    const row = graph.edgeRow(/productpage( v1)?/, 'reviews');
    await row.first().waitFor({ timeout: 60_000 });
    const cells = await row.first().getByRole('cell').allInnerTexts();
    // Edge, protocol, state, rate…
    expect(cells[1]).toBe('http');
    expect(Number(cells[3])).toBeGreaterThan(0);
    expect(graph.searchParam('view')).toBe('table');
  });

  it('shows a selected node in the side panel', async () => {
    await graph.nodeButton('reviews').first().click();
    const panel = graph.details('reviews');
    await panel.waitFor();
    await expect(panel.getByRole('heading', { level: 2 }).innerText()).resolves.toBe('reviews');
    expect(await graph.figure(panel, 'Inbound')).toMatch(/^\d+(\.\d+)? rps$/);
    expect(await panel.getByRole('heading', { name: 'Outbound' }).isVisible()).toBe(true);
    expect(graph.searchParam('selected')).toMatch(/^(svc|app|box):bookinfo:reviews\b/);
    await page.screenshot({ path: join(RESULTS_DIR, 'graph-table-selected.png') });
    await page.getByRole('button', { name: 'Clear selection' }).click();
    await graph.summary.waitFor();
  });

  it('keeps the graph type across a reload, from the URL alone', async () => {
    await graph.graphType.selectOption({ label: 'Workload' });
    await waitFor(() => graph.searchParam('graphType') === 'workload', {
      timeoutMs: 5_000,
      what: 'graphType in the URL',
    });
    await page.reload();
    expect(await graph.graphType.inputValue()).toBe('workload');
    expect(graph.searchParam('view')).toBe('table');
    await graph.nodeButton('reviews-v2').waitFor({ timeout: 60_000 });
    await graph.graphType.selectOption({ label: 'Versioned app' });
    await graph.nodeButton('reviews v2').waitFor({ timeout: 60_000 });
  });

  it('finds, hides, and explains a bad expression', async () => {
    await graph.showGraph();
    await graph.waitForGraph(8);
    const before = await graph.drawnNodeCount();

    await graph.setFind('app = reviews');
    await waitFor(
      async () => /^Highlighting [1-9]\d* elements?$/.test(await graph.expressionMessage('Find')),
      {
        timeoutMs: 5_000,
        what: 'find to highlight',
      },
    );

    await graph.setHide('app = ratings or app = details');
    await waitFor(async () => (await graph.drawnNodeCount()) < before, {
      timeoutMs: 10_000,
      what: 'hidden nodes to leave the canvas',
    });
    await graph.showTable();
    expect(await graph.nodeButton('ratings v1').count()).toBe(0);
    expect(await graph.nodeButton('reviews v1').count()).toBe(1);
    expect(graph.searchParam('hide')).toBe('app = ratings or app = details');

    await graph.findBox.fill('rps >');
    expect(await graph.expressionMessage('Find')).toBe('expected a value after “>” (column 6)');
    expect(await graph.findBox.getAttribute('aria-invalid')).toBe('true');

    await graph.findBox.fill('');
    await graph.findBox.press('Enter');
    await graph.hideBox.fill('');
    await graph.hideBox.press('Enter');
    await graph.showGraph();
    await waitFor(async () => (await graph.drawnNodeCount()) >= before, {
      timeoutMs: 10_000,
      what: 'hidden nodes to come back',
    });
  });

  it('switches to the dark theme', async () => {
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    expect(await page.locator('html').getAttribute('data-theme')).toBe('dark');
    // The canvas draws with the dark palette too (it cannot read CSS variables by itself).
    await waitFor(async () => (await graph.canvas.getAttribute('data-surface')) === '#171b21', {
      timeoutMs: 5_000,
      what: 'the canvas to switch to the dark palette',
    });
    await graph.waitForGraph(8);
    await page.screenshot({ path: join(RESULTS_DIR, 'graph-dark.png') });
    await page.getByRole('button', { name: 'Switch to light theme' }).click();
  });

  it('shows a routing change made with kubectl without polling (server push)', async () => {
    const row = graph.edgeRow('reviews', 'reviews v1');
    // First until traffic shows (Prometheus needs a few scrapes after the demo starts)…
    await graph.goto(`?namespaces=bookinfo&refresh=10s&view=table`);
    await row.first().waitFor({ timeout: 90_000 });
    // …then with refresh off: only the SSE change event can bring the new weights in.
    await graph.goto(`?namespaces=bookinfo&refresh=off&view=table`);
    await row.first().waitFor({ timeout: 30_000 });
    expect((await row.first().getByRole('cell').allInnerTexts())[6]).toBe('80%');

    const patch = [
      { op: 'replace', path: '/spec/http/0/route/0/weight', value: 50 },
      { op: 'replace', path: '/spec/http/0/route/1/weight', value: 50 },
    ];
    kubectl(demoKubeconfig(demo.output()), [
      '-n',
      'bookinfo',
      'patch',
      'virtualservice',
      'reviews',
      '--type=json',
      '-p',
      JSON.stringify(patch),
    ]);
    await waitFor(async () => (await row.first().getByRole('cell').allInnerTexts())[6] === '50%', {
      timeoutMs: 20_000,
      what: 'the configured weight to follow the VirtualService',
    });
  });
});
