import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphPage } from '../pages/GraphPage';
import { ServicePage } from '../pages/ServicePage';
import { launchBrowser } from '../support/browser';
import { demoKubeconfig, kubectl } from '../support/kubectl';
import { RESULTS_DIR } from '../support/paths';
import { startDemo, startServe, type RunningSextant } from '../support/sextant';
import { waitFor } from '../support/waitFor';
import { ensureWebBuild } from '../support/webBuild';

// A canary on the demo (simulated bookinfo, its traffic, a real Prometheus), through the service
// page's traffic-shifting form in the system Chromium; kubectl is the independent witness.
const SUBSETS = ['v1', 'v2', 'v3'] as const;

interface Vs {
  spec: { http: { match?: unknown; route: { destination: { subset?: string }; weight?: number }[] }[] };
}

describe('canary from the service page', () => {
  let demo: RunningSextant;
  let kubeconfig: string;
  let stateDir: string;
  let prometheusUrl: string;
  let browser: Browser;
  let page: Page;
  let form: ServicePage;

  const vsWeights = (): Record<string, number | undefined> => {
    const vs = JSON.parse(
      kubectl(kubeconfig, ['-n', 'bookinfo', 'get', 'virtualservice', 'reviews', '-o', 'json']),
    ) as Vs;
    const route = vs.spec.http.find((r) => r.match === undefined)?.route ?? [];
    return Object.fromEntries(
      route.filter((r) => (r.weight ?? 0) > 0).map((r) => [r.destination.subset ?? '', r.weight]),
    );
  };

  beforeAll(async () => {
    ensureWebBuild();
    mkdirSync(RESULTS_DIR, { recursive: true });
    stateDir = mkdtempSync(join(tmpdir(), 'sextant-e2e-state-'));
    demo = await startDemo(['--state-dir', stateDir]);
    kubeconfig = demoKubeconfig(demo.output());
    // Read now: the launcher keeps only the tail of the output, and request logs follow.
    const prom = /telemetry: Prometheus (\S+)/.exec(demo.output())?.[1];
    if (!prom) throw new Error(`the demo did not print its Prometheus:\n${demo.output()}`);
    prometheusUrl = prom;
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 }, colorScheme: 'light' });
    form = new ServicePage(page, demo.url);
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  it('shifts reviews to 50/50 v1/v3: kubectl reads it and the observed split follows', async () => {
    await form.goto('bookinfo', 'reviews');
    expect(await form.weights(SUBSETS)).toEqual({ v1: 80, v2: 20, v3: 0 });
    await form.preset('50 / 50').click();
    expect(await form.weights(SUBSETS)).toEqual({ v1: 50, v2: 0, v3: 50 });
    await form.preview.waitFor({ timeout: 30_000 });
    const diff = await form.preview.innerText();
    expect(diff).toMatch(/^-\s+weight: 80$/m);
    expect(diff).toMatch(/^\+\s+subset: v3$/m);
    await page.screenshot({ path: join(RESULTS_DIR, 'canary-form-preview.png'), fullPage: true });

    await form.apply.click();
    await form.applied.waitFor({ timeout: 30_000 });
    expect(vsWeights()).toEqual({ v1: 50, v3: 50 });

    // Traffic keeps flowing; the 1-minute observed share of v3 climbs from 0 toward 50%.
    const v3 = await waitFor(
      async () => {
        const share = await form.observed('v3');
        return share !== undefined && share >= 30 ? share : undefined;
      },
      { timeoutMs: 150_000, intervalMs: 2_000, what: 'the observed v3 share to move toward 50%' },
    );
    expect(v3).toBeLessThanOrEqual(70);
    await page.screenshot({ path: join(RESULTS_DIR, 'canary-form-applied.png'), fullPage: true });
  });

  it('undo restores the previous weights', async () => {
    await form.undo.click();
    await form.form.getByRole('status').filter({ hasText: 'Undone' }).waitFor({ timeout: 30_000 });
    expect(vsWeights()).toEqual({ v1: 80, v2: 20 });
    expect(await form.weights(SUBSETS)).toEqual({ v1: 80, v2: 20, v3: 0 });
    await form.history.getByRole('row').nth(2).waitFor({ timeout: 30_000 });
  });

  it('meets a concurrent kubectl edit: shows what changed and re-applies on the latest version', async () => {
    await form.goto('bookinfo', 'reviews');
    await form.preset('90 / 10').click();
    await form.preview.waitFor({ timeout: 30_000 });
    // Someone else edits the same VirtualService after the form loaded it.
    kubectl(kubeconfig, [
      '-n',
      'bookinfo',
      'annotate',
      'virtualservice',
      'reviews',
      'owner=someone-else',
      '--overwrite',
    ]);
    await form.apply.click();
    await form.conflict.waitFor({ timeout: 30_000 });
    expect(await form.conflict.innerText()).toContain('+    owner: someone-else');
    expect(vsWeights()).toEqual({ v1: 80, v2: 20 });
    await page.screenshot({ path: join(RESULTS_DIR, 'canary-form-conflict.png'), fullPage: true });

    await form.reapply.click();
    await form.applied.waitFor({ timeout: 30_000 });
    expect(vsWeights()).toEqual({ v1: 90, v3: 10 });
    const annotations = kubectl(kubeconfig, [
      '-n',
      'bookinfo',
      'get',
      'virtualservice',
      'reviews',
      '-o',
      'jsonpath={.metadata.annotations.owner}',
    ]);
    expect(annotations).toBe('someone-else');
  });

  it('shows the viewer disabled controls and the reason', async () => {
    const viewer = await startServe({ kubeconfig, context: 'mesh-sim-viewer', prometheusUrl });
    try {
      const viewerPage = await browser.newPage({
        viewport: { width: 1440, height: 1000 },
        colorScheme: 'light',
      });
      const asViewer = new ServicePage(viewerPage, viewer.url);
      await asViewer.goto('bookinfo', 'reviews');
      await asViewer.permissionNote
        .filter({ hasText: 'You can view but not change routing in bookinfo' })
        .waitFor({ timeout: 30_000 });
      expect(await asViewer.apply.isDisabled()).toBe(true);
      expect(await asViewer.weight('v1').isDisabled()).toBe(true);
      expect(await asViewer.preset('50 / 50').isDisabled()).toBe(true);
      await viewerPage.screenshot({ path: join(RESULTS_DIR, 'canary-form-viewer.png'), fullPage: true });
      await viewerPage.close();
    } finally {
      await viewer.stop();
    }
  });

  it('reaches the form from the service node in the graph', async () => {
    const graph = new GraphPage(page, demo.url);
    await graph.goto('?namespaces=bookinfo&view=table');
    await graph.nodesTable
      .getByRole('row')
      .filter({ hasText: 'Service' })
      .getByRole('button', { name: 'reviews', exact: true })
      .click({ timeout: 60_000 });
    await graph.details('reviews').getByRole('link', { name: 'Shift traffic…' }).click();
    await form.form.waitFor({ timeout: 30_000 });
    expect(new URL(page.url()).pathname).toBe('/services/bookinfo/reviews');
    expect(await form.weights(SUBSETS)).toEqual({ v1: 90, v2: 0, v3: 10 });
  });

  it('sets a timeout and an injected error on the same pattern, keeping the weights', async () => {
    // The weights as the cluster has them now, not as an earlier test left them: this test is
    // about the policy write keeping whatever split is configured.
    const weightsBefore = vsWeights();
    expect(Object.values(weightsBefore).reduce((a, b) => (a ?? 0) + (b ?? 0), 0)).toBe(100);
    await form.goto('bookinfo', 'reviews');
    await form.policyField('Request timeout').fill('3 s');
    await form.policyForm.getByText('timeout: a positive duration').waitFor();
    expect(await form.policyForm.getByRole('button', { name: 'Apply policy' }).isDisabled()).toBe(true);
    await form.policyField('Request timeout').fill('3s');
    await form.policyField('HTTP status').fill('503');
    await form.policyField('Error for % of requests').fill('10');
    // The preview follows the fields as they are typed: the timeout's diff shows first, and the
    // fault joins it when the dry run for the whole policy answers. Wait for that one.
    const diff = form.policyForm.getByLabel(/^What will change/).filter({ hasText: 'httpStatus: 503' });
    await diff.waitFor({ timeout: 30_000 });
    expect(await diff.innerText()).toMatch(/^\+\s+httpStatus: 503$/m);
    expect(await diff.innerText()).toMatch(/^\+\s+timeout: 3s$/m);
    await page.screenshot({ path: join(RESULTS_DIR, 'canary-policy-form.png'), fullPage: true });
    await form.policyForm.getByRole('button', { name: 'Apply policy' }).click();
    await form.policyForm.getByRole('status').waitFor({ timeout: 30_000 });
    const route = (
      JSON.parse(
        kubectl(kubeconfig, ['-n', 'bookinfo', 'get', 'virtualservice', 'reviews', '-o', 'json']),
      ) as {
        spec: { http: Record<string, unknown>[] };
      }
    ).spec.http[0];
    expect(route).toMatchObject({
      timeout: '3s',
      fault: { abort: { httpStatus: 503, percentage: { value: 10 } } },
    });
    expect(vsWeights()).toEqual(weightsBefore);
  });

  it('removes routing only after confirmation, and one click in the history brings it back', async () => {
    await form.goto('bookinfo', 'reviews');
    await page.getByRole('button', { name: 'Remove routing…' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Confirm removing routing' });
    expect(await confirm.innerText()).toContain('Delete VirtualService reviews?');
    expect(vsWeights()).toEqual({ v1: 90, v3: 10 });
    await confirm.getByRole('button', { name: 'Delete reviews' }).click();
    await page.getByRole('status').filter({ hasText: 'Routing removed' }).waitFor({ timeout: 30_000 });
    expect(
      kubectl(kubeconfig, ['-n', 'bookinfo', 'get', 'virtualservice', '--ignore-not-found', '-o', 'name']),
    ).not.toContain('virtualservice.networking.istio.io/reviews');
    await form.history.getByRole('button', { name: 'Roll back: removed VirtualService reviews' }).click();
    await page.getByRole('status').filter({ hasText: 'Rolled back' }).waitFor({ timeout: 30_000 });
    expect(vsWeights()).toEqual({ v1: 90, v3: 10 });
  });

  it('sets circuit breaking and a load balancer on the DestinationRule', async () => {
    await form.goto('bookinfo', 'reviews');
    const region = page.getByRole('region', { name: 'Connections, circuit breaking and TLS' });
    await region.getByLabel('Load balancer').selectOption('LEAST_REQUEST');
    await region.getByLabel('Eject after consecutive 5xx').fill('5');
    await region.getByLabel('Ejection time').fill('30s');
    await region.getByLabel(/^What will change/).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(RESULTS_DIR, 'canary-destination-policy.png'), fullPage: true });
    await region.getByRole('button', { name: 'Apply traffic policy' }).click();
    await region.getByRole('status').waitFor({ timeout: 30_000 });
    const dr = JSON.parse(
      kubectl(kubeconfig, ['-n', 'bookinfo', 'get', 'destinationrule', 'reviews', '-o', 'json']),
    ) as {
      spec: { subsets: unknown[]; trafficPolicy: unknown };
    };
    expect(dr.spec.trafficPolicy).toEqual({
      loadBalancer: { simple: 'LEAST_REQUEST' },
      outlierDetection: { consecutive5xxErrors: 5, baseEjectionTime: '30s' },
    });
    expect(dr.spec.subsets).toHaveLength(3);
  });
});
