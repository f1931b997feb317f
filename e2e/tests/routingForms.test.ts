import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServicePage } from '../pages/ServicePage';
import { launchBrowser } from '../support/browser';
import { demoKubeconfig, kubectl } from '../support/kubectl';
import { RESULTS_DIR } from '../support/paths';
import { startDemo, type RunningSextant } from '../support/sextant';
import { waitFor } from '../support/waitFor';
import { ensureWebBuild } from '../support/webBuild';

// The request-routing form on the demo, in the system Chromium; kubectl is the witness.
interface Vs {
  spec: { http: { match?: unknown; route: { destination: { subset?: string }; weight?: number }[] }[] };
}

describe('request routing from the service page', () => {
  let demo: RunningSextant;
  let kubeconfig: string;
  let stateDir: string;
  let browser: Browser;
  let page: Page;
  let form: ServicePage;

  const readVs = (): Vs =>
    JSON.parse(
      kubectl(kubeconfig, ['-n', 'bookinfo', 'get', 'virtualservice', 'reviews', '-o', 'json']),
    ) as Vs;

  beforeAll(async () => {
    ensureWebBuild();
    mkdirSync(RESULTS_DIR, { recursive: true });
    stateDir = mkdtempSync(join(tmpdir(), 'sextant-e2e-state-'));
    demo = await startDemo(['--state-dir', stateDir]);
    kubeconfig = demoKubeconfig(demo.output());
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1440, height: 1400 }, colorScheme: 'light' });
    form = new ServicePage(page, demo.url);
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  it('adds end-user=jason → v2 before the default route; kubectl reads it', async () => {
    await form.goto('bookinfo', 'reviews');
    const rr = form.requestRouting;
    await rr.waitFor({ timeout: 30_000 });
    await rr.getByRole('button', { name: 'Add rule' }).click();
    const rule = form.rule(1);
    // An empty header value is refused in the form, naming the field; Apply stays disabled.
    await rule.getByText('rules[0].match.headers.end-user.exact: must not be empty.').waitFor();
    expect(await rr.getByRole('button', { name: 'Apply rules' }).isDisabled()).toBe(true);

    await rule.getByLabel('Rule 1 header value').fill('jason');
    await rule.getByLabel('Rule 1 subset').selectOption('v2');
    const preview = rr.getByLabel('What will change (Request routing)', { exact: true });
    await preview.waitFor({ timeout: 30_000 });
    const diff = await preview.innerText();
    expect(diff).toMatch(/^\+\s+exact: jason$/m);
    expect(diff).toMatch(/^\+\s+subset: v2$/m);
    await rr.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(RESULTS_DIR, 'request-routing-preview.png'), fullPage: true });

    await rr.getByRole('button', { name: 'Apply rules' }).click();
    await rr.getByRole('status').filter({ hasText: 'Applied' }).waitFor({ timeout: 30_000 });
    const vs = readVs();
    expect(vs.spec.http[0]).toEqual({
      match: [{ headers: { 'end-user': { exact: 'jason' } } }],
      route: [{ destination: { host: 'reviews', subset: 'v2' } }],
    });
    // The default 80/20 route stays, last.
    expect(vs.spec.http).toHaveLength(2);
    expect(vs.spec.http[1]?.match).toBeUndefined();
    expect(vs.spec.http[1]?.route.map((r) => [r.destination.subset, r.weight])).toEqual([
      ['v1', 80],
      ['v2', 20],
    ]);
    // The history lists it.
    await waitFor(async () => (await form.history.innerText()).includes('end-user=jason'), {
      timeoutMs: 30_000,
      what: 'the history to list the rule',
    });
    await page.screenshot({ path: join(RESULTS_DIR, 'request-routing-applied.png'), fullPage: true });
  });

  it('sets the namespace to STRICT mTLS from the service page; kubectl get pa shows it', async () => {
    await form.goto('bookinfo', 'reviews');
    const mtls = page.getByRole('region', { name: 'mTLS for this workload or namespace' });
    await mtls.getByLabel('mTLS mode').selectOption('STRICT');
    const preview = mtls.getByLabel('What will change (mTLS for this workload or namespace)', {
      exact: true,
    });
    await preview.waitFor({ timeout: 30_000 });
    expect(await preview.innerText()).toMatch(/^\+\s+mode: STRICT$/m);
    await mtls.getByRole('button', { name: 'Apply mTLS mode' }).click();
    await mtls.getByRole('status').filter({ hasText: 'Applied' }).waitFor({ timeout: 30_000 });
    const pa = JSON.parse(
      kubectl(kubeconfig, ['-n', 'bookinfo', 'get', 'peerauthentication', 'default', '-o', 'json']),
    ) as { spec: unknown };
    expect(pa.spec).toEqual({ mtls: { mode: 'STRICT' } });
    await mtls.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(RESULTS_DIR, 'peer-authentication-applied.png') });
  });
});
