import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigPage } from '../pages/configPage';
import { launchBrowser } from '../support/browser';
import { demoKubeconfig, kubectl } from '../support/kubectl';
import { RESULTS_DIR } from '../support/paths';
import { startDemo, type RunningSextant } from '../support/sextant';
import { waitFor } from '../support/waitFor';
import { ensureWebBuild } from '../support/webBuild';

// Editing a VirtualService as YAML on the demo, in the system Chromium; kubectl is the witness.
describe('Istio config YAML editing', () => {
  let demo: RunningSextant;
  let kubeconfig: string;
  let browser: Browser;
  let page: Page;
  let config: ConfigPage;

  const reviewsWeights = (): string => {
    const vs = JSON.parse(
      kubectl(kubeconfig, ['-n', 'bookinfo', 'get', 'virtualservice', 'reviews', '-o', 'json']),
    ) as { spec: { http: { route: { destination: { subset?: string }; weight?: number }[] }[] } };
    return (vs.spec.http[0]?.route ?? []).map((r) => `${r.destination.subset}=${r.weight}`).join(',');
  };

  beforeAll(async () => {
    ensureWebBuild();
    mkdirSync(RESULTS_DIR, { recursive: true });
    demo = await startDemo();
    kubeconfig = demoKubeconfig(demo.output());
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
    config = new ConfigPage(page, demo.url);
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  it('lists bookinfo’s Istio objects with counts per validation state', async () => {
    await config.gotoList('?namespace=bookinfo');
    await config.row('VirtualService', 'reviews').waitFor({ timeout: 30_000 });
    // destination-rule-all.yaml defines subsets bookinfo does not deploy (ratings v2…, details v2).
    expect(await config.count('warning')).toBe(2);
    expect(await config.count('error')).toBe(0);
    await expect.poll(() => config.table.getByRole('row').count()).toBeGreaterThan(5);
    await page.screenshot({ path: join(RESULTS_DIR, 'config-list.png') });
  });

  it('breaks the reviews VirtualService, sees the markers, fixes it, saves, and kubectl sees it', async () => {
    expect(reviewsWeights()).toBe('v1=80,v2=20');
    await config.gotoList('?namespace=bookinfo');
    await config.row('VirtualService', 'reviews').getByRole('link', { name: 'reviews' }).click();
    await config.editorContent.waitFor({ timeout: 30_000 });
    const original = await config.editorText();
    expect(original).toContain('kind: VirtualService');

    // A YAML mistake: the marker sits on the broken line, before anything reaches the server.
    const lines = original.split('\n');
    const hostsLine = lines.findIndex((l) => l.trim() === 'hosts:');
    expect(hostsLine).toBeGreaterThan(0);
    const broken = [...lines.slice(0, hostsLine), '  hosts: [reviews', ...lines.slice(hostsLine + 1)].join(
      '\n',
    );
    await config.setEditorText(broken);
    await config.markers('error').first().waitFor({ timeout: 10_000 });
    await expect
      .poll(() => page.getByTestId('yaml-error').innerText())
      .toMatch(/does not parse \(line \d+\)/);
    expect(await config.button('Review changes').isDisabled()).toBe(true);
    await page.screenshot({ path: join(RESULTS_DIR, 'config-yaml-error.png') });

    // Valid YAML, wrong config: the server's dry run marks the route whose weights miss 100.
    const weights = (a: number, b: number) =>
      original.replace(/weight: 80/, `weight: ${a}`).replace(/weight: 20/, `weight: ${b}`);
    await config.setEditorText(weights(70, 20));
    await waitFor(async () => (await config.markers('error').count()) === 0 || undefined, {
      timeoutMs: 10_000,
      what: 'the parse marker to go',
    });
    await config.button('Review changes').click();
    await config.markers('error').first().waitFor({ timeout: 15_000 });
    const finding = config.findings.filter({ hasText: 'SX1001' });
    await finding.waitFor({ timeout: 10_000 });
    const routeLine =
      weights(70, 20)
        .split('\n')
        .findIndex((l) => /^\s*(- )?route:$/.test(l)) + 1;
    expect(await finding.innerText()).toContain(`line ${routeLine}`);
    expect(await config.button('Save').isDisabled()).toBe(false);
    await page.screenshot({ path: join(RESULTS_DIR, 'config-validation-marker.png') });

    // Saving it anyway asks first, listing the error; cancelling writes nothing.
    await config.button('Save').click();
    const confirm = page.getByRole('alertdialog', { name: 'Confirm save with errors' });
    await confirm.waitFor({ timeout: 10_000 });
    expect(await confirm.getByRole('listitem').allInnerTexts()).toEqual([
      expect.stringMatching(new RegExp(`^line ${routeLine}\\s+SX1001: Route weights add up to 90`)),
    ]);
    await page.screenshot({ path: join(RESULTS_DIR, 'config-confirm-errors.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(RESULTS_DIR, 'config-confirm-errors-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached', timeout: 5_000 });
    expect(reviewsWeights()).toBe('v1=80,v2=20');

    // The fix: review again (no finding), see the diff, save.
    await config.setEditorText(weights(70, 30));
    expect(await config.button('Save').isDisabled()).toBe(true);
    await config.button('Review changes').click();
    await page.getByTestId('findings-empty').waitFor({ timeout: 15_000 });
    const diff = await config.diff.innerText();
    expect(diff).toContain('-          weight: 80');
    expect(diff).toContain('+          weight: 70');
    await config.button('Save').click();
    await config.status.filter({ hasText: 'Saved' }).waitFor({ timeout: 15_000 });
    await page.screenshot({ path: join(RESULTS_DIR, 'config-saved.png') });
    expect(reviewsWeights()).toBe('v1=70,v2=30');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(RESULTS_DIR, 'config-saved-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('meets a change made meanwhile with kubectl, sees it, and re-applies the edit on top', async () => {
    await page.goto(`${demo.url}/istio/bookinfo/virtualservices/reviews`);
    await config.editorContent.waitFor({ timeout: 30_000 });
    const loaded = await config.editorText();
    await config.setEditorText(loaded.replace(/weight: \d+/g, 'weight: 50'));
    kubectl(kubeconfig, ['-n', 'bookinfo', 'label', 'virtualservice', 'reviews', 'team=payments']);

    await config.button('Review changes').click();
    const conflict = page.getByRole('region', { name: 'Conflict' });
    await conflict.waitFor({ timeout: 15_000 });
    expect(await conflict.getByLabel('Their change').innerText()).toContain('+    team: payments');
    expect(await conflict.innerText()).toContain('Your edit applies cleanly on top of theirs.');
    await page.screenshot({ path: join(RESULTS_DIR, 'config-conflict.png') });

    await conflict.getByRole('button', { name: 'Re-apply my edit' }).click();
    await waitFor(async () => ((await config.editorText()).includes('team: payments') ? true : undefined), {
      timeoutMs: 10_000,
      what: 'their label in the editor',
    });
    expect(await config.editorText()).toContain('weight: 50');
    await config.button('Review changes').click();
    await waitFor(async () => (!(await config.button('Save').isDisabled()) ? true : undefined), {
      timeoutMs: 15_000,
      what: 'Save to be enabled after the review',
    });
    await config.button('Save').click();
    await config.status.filter({ hasText: 'Saved' }).waitFor({ timeout: 15_000 });
    expect(reviewsWeights()).toBe('v1=50,v2=50');
    expect(
      kubectl(kubeconfig, [
        '-n',
        'bookinfo',
        'get',
        'virtualservice',
        'reviews',
        '-o',
        'jsonpath={.metadata.labels.team}',
      ]),
    ).toBe('payments');
  });

  it('creates a DestinationRule from YAML after a check, then deletes it with confirmation', async () => {
    await page.goto(`${demo.url}/istio/new?namespace=bookinfo&kind=DestinationRule`);
    await config.editorContent.waitFor({ timeout: 30_000 });
    expect(await config.editorText()).toContain('kind: DestinationRule');
    await config.setEditorText(
      [
        'apiVersion: networking.istio.io/v1',
        'kind: DestinationRule',
        'metadata:',
        '  name: productpage-canary',
        '  namespace: bookinfo',
        'spec:',
        '  host: productpage',
        '  subsets:',
        '    - name: v2',
        '      labels:',
        '        version: v2',
        '',
      ].join('\n'),
    );
    expect(await config.button('Create').isDisabled()).toBe(true);
    await config.button('Check').click();
    // No productpage v2 runs, and bookinfo already has a DestinationRule for productpage.
    await config.findings.filter({ hasText: 'SX2002' }).waitFor({ timeout: 15_000 });
    expect(await config.findings.filter({ hasText: 'SX2002' }).innerText()).toContain('line 10');
    expect(await config.findings.filter({ hasText: 'SX2003' }).count()).toBe(1);
    await config.markers('warning').first().waitFor({ timeout: 5_000 });
    await config.button('Create').click();
    await page.waitForURL(/\/istio\/bookinfo\/destinationrules\/productpage-canary$/, { timeout: 15_000 });
    expect(
      kubectl(kubeconfig, ['-n', 'bookinfo', 'get', 'destinationrule', 'productpage-canary', '-o', 'name']),
    ).toContain('productpage-canary');

    await config.button('Delete…').click();
    const confirm = page.getByRole('alertdialog', { name: 'Confirm delete' });
    await confirm.getByRole('button', { name: 'Delete productpage-canary' }).click();
    await page.waitForURL(/\/istio\?namespace=bookinfo$/, { timeout: 15_000 });
    await waitFor(
      () =>
        kubectl(kubeconfig, [
          '-n',
          'bookinfo',
          'get',
          'destinationrule',
          '--ignore-not-found',
          '-o',
          'name',
        ]).includes('productpage-canary')
          ? undefined
          : true,
      { timeoutMs: 10_000, what: 'the DestinationRule to be gone' },
    );
  });
});
