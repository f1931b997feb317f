import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMeshSim, startPrometheus } from '@sextant/mesh-sim';
import type { MeshSim } from '@sextant/mesh-sim';
import { LoginPage } from '../pages/LoginPage';
import { ServicePage } from '../pages/ServicePage';
import { launchBrowser } from '../support/browser';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startOidcProvider, type RunningIssuer } from '../support/oidcProvider';
import { RESULTS_DIR } from '../support/paths';
import { freePort } from '../support/processes';
import { startServeWith, type RunningSextant } from '../support/sextant';
import { ensureWebBuild } from '../support/webBuild';

// Signing in from a browser: `--auth token` (paste a token, the cluster's RBAC decides what the
// person sees and may change) and `--auth openid` through a real OIDC provider the simulated
// API server trusts. mesh-sim is the cluster, kubectl the independent witness.
const SCREENS = '/work/notes/screens/auth';
const CLIENT_ID = 'sextant';

let sim: MeshSim;
let prom: { url: string; stop(): Promise<void> };
let issuer: RunningIssuer;
let tokenServer: RunningSextant;
let oidcServer: RunningSextant;
let stateDir: string;
let browser: Browser;

const run = promisify(execFile);
// Asynchronous on purpose: mesh-sim runs in this process, and a blocking kubectl would starve it.
const admin = async (args: string[]): Promise<string> =>
  (
    await run('kubectl', ['--kubeconfig', sim.kubeconfig, '--context', 'mesh-sim-admin', ...args], {
      timeout: 60_000,
    })
  ).stdout;

beforeAll(async () => {
  ensureWebBuild();
  mkdirSync(RESULTS_DIR, { recursive: true });
  mkdirSync(SCREENS, { recursive: true });
  stateDir = mkdtempSync(join(tmpdir(), 'sextant-e2e-auth-'));
  const [issuerPort, oidcPort] = [await freePort(), await freePort()];
  issuer = await startOidcProvider({
    port: issuerPort,
    clientId: CLIENT_ID,
    redirectUri: `http://127.0.0.1:${oidcPort}/api/auth/oidc/callback`,
  });
  sim = await startMeshSim({
    scenario: 'bookinfo',
    seed: 11,
    // Sign-in needs no traffic; the machine's cores go to the browser and the servers.
    traffic: false,
    oidc: {
      issuerUrl: issuer.issuer,
      clientId: CLIENT_ID,
      usernameClaim: 'sub',
      usernamePrefix: 'oidc:',
      groupsClaim: 'groups',
      groupsPrefix: 'oidc:',
    },
  });
  prom = await startPrometheus({ scrapeUrls: [sim.metricsUrl], scrapeIntervalSeconds: 1 });
  const common = [
    '--kubeconfig',
    sim.kubeconfig,
    '--context',
    'mesh-sim-admin',
    '--prometheus-url',
    prom.url,
  ];
  tokenServer = await startServeWith([...common, '--auth', 'token', '--state-dir', join(stateDir, 'token')]);
  oidcServer = await startServeWith(
    [
      ...common,
      '--auth',
      'openid',
      '--oidc-issuer-url',
      issuer.issuer,
      '--oidc-client-id',
      CLIENT_ID,
      '--state-dir',
      join(stateDir, 'openid'),
    ],
    { port: oidcPort },
  );
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await tokenServer?.stop();
  await oidcServer?.stop();
  await prom?.stop();
  await sim?.stop();
  await issuer?.stop();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

const newPage = (colorScheme: 'light' | 'dark' = 'light'): Promise<Page> =>
  browser.newPage({ viewport: { width: 1280, height: 860 }, colorScheme });

/** Everything the page's own scripts could read back: readable cookies, local and session storage. */
const scriptVisibleStorage = async (page: Page): Promise<string> =>
  String(
    await page.evaluate(
      '[document.cookie, JSON.stringify({ ...localStorage }), JSON.stringify({ ...sessionStorage })].join("\\n")',
    ),
  );

/** The reviews default route's weights by subset, as kubectl reads them: `v1=50 v2=0 v3=50`. */
const vsWeights = async (): Promise<string> =>
  (
    await admin([
      '-n',
      'bookinfo',
      'get',
      'virtualservice',
      'reviews',
      '-o',
      'jsonpath={range .spec.http[-1:].route[*]}{.destination.subset}={.weight} {end}',
    ])
  ).trim();

describe('--auth token in the browser', () => {
  let page: Page;
  let login: LoginPage;

  beforeAll(async () => {
    page = await newPage();
    login = new LoginPage(page, tokenServer.url);
  });

  it('sends a signed-out person to the sign-in page, and refuses a made-up token in words', async () => {
    await login.goto('/services/bookinfo/reviews');
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(new URL(page.url()).searchParams.get('returnTo')).toBe('/services/bookinfo/reviews');
    await page.screenshot({ path: join(SCREENS, 'login-light.png') });

    await expect(login.refusedToken('made-up-token-123')).resolves.toBe(
      'Kubernetes did not accept this token: it is unknown, revoked or expired. Sign in again.',
    );
    await page.screenshot({ path: join(SCREENS, 'login-error-light.png') });
    // Nothing of the token in any storage the page's scripts can reach.
    expect(await scriptVisibleStorage(page)).not.toContain('made-up-token-123');

    const dark = await newPage('dark');
    await new LoginPage(dark, tokenServer.url).goto('/');
    await dark.screenshot({ path: join(SCREENS, 'login-dark.png') });
    await dark.close();
  });

  it('signs the viewer in with a token: it lands where it was going and sees no way to edit', async () => {
    await login.signInWithToken(sim.tokens.viewer);
    await login.user.waitFor();
    expect(await login.user.innerText()).toBe('mesh-sim-viewer');
    expect(new URL(page.url()).pathname).toBe('/services/bookinfo/reviews');
    expect(await scriptVisibleStorage(page)).not.toContain(sim.tokens.viewer);

    const service = new ServicePage(page, tokenServer.url);
    await service.form.waitFor({ timeout: 30_000 });
    await service.permissionNote
      .filter({ hasText: 'You can view but not change routing in bookinfo' })
      .waitFor({ timeout: 30_000 });
    // Every control that would change something is disabled for the viewer.
    const enabled = page.getByRole('button', { name: /^(Apply|Save|Roll back|Remove routing)/ });
    for (const button of await enabled.all()) expect(await button.isDisabled()).toBe(true);
    expect(await service.apply.isDisabled()).toBe(true);
    expect(await service.weight('v1').isDisabled()).toBe(true);

    await page.getByRole('banner').screenshot({ path: join(SCREENS, 'header-signed-in-light.png') });
    const dark = await browser.newContext({ colorScheme: 'dark', viewport: { width: 1280, height: 860 } });
    await dark.addCookies(await page.context().cookies());
    const darkPage = await dark.newPage();
    await darkPage.goto(`${tokenServer.url}/graph?namespaces=bookinfo`);
    await new LoginPage(darkPage, tokenServer.url).user.waitFor({ timeout: 30_000 });
    await darkPage.getByRole('banner').screenshot({ path: join(SCREENS, 'header-signed-in-dark.png') });
    await darkPage.screenshot({ path: join(SCREENS, 'graph-viewer-dark.png') });
    await dark.close();
  });

  it('signs out: back to the sign-in page, and the app asks again', async () => {
    await login.signOut.click();
    await login.heading.waitFor();
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.goto(`${tokenServer.url}/graph`);
    await login.heading.waitFor();
    expect(new URL(page.url()).pathname).toBe('/login');
  });

  it('lets the bookinfo editor shift bookinfo and refuses it elsewhere, in words', async () => {
    await login.goto('/services/bookinfo/reviews');
    await login.signInWithToken(sim.tokens.bookinfoEditor);
    expect(await login.user.innerText()).toBe('mesh-sim-bookinfo-editor');
    const service = new ServicePage(page, tokenServer.url);
    await service.form.waitFor({ timeout: 30_000 });
    await service.preset('50 / 50').click();
    await service.apply.waitFor();
    await service.apply.click({ timeout: 30_000 });
    await service.applied.waitFor({ timeout: 30_000 });
    expect((await vsWeights()).split(' ').filter((w) => !w.endsWith('=0'))).toEqual(['v1=50', 'v3=50']);

    await service.goto('boutique', 'cartservice');
    await service.permissionNote
      .filter({ hasText: 'You can view but not change routing in boutique' })
      .waitFor({ timeout: 30_000 });
    expect(await service.apply.isDisabled()).toBe(true);
    await page.screenshot({ path: join(SCREENS, 'editor-refused-elsewhere-light.png'), fullPage: true });
  });
});

describe('--auth openid through a real OIDC provider', () => {
  it('signs in at the identity provider and reads as the user the API server names', async () => {
    await admin(['create', 'clusterrolebinding', 'alice-view', '--clusterrole=view', '--user=oidc:alice']);
    const page = await newPage();
    const login = new LoginPage(page, oidcServer.url);
    await login.goto('/graph?namespaces=bookinfo');
    await page.screenshot({ path: join(SCREENS, 'login-openid-light.png') });
    await login.provider.click();
    // oidc-provider's development login and consent pages.
    await page.waitForURL((url) => url.origin === issuer.issuer, { timeout: 30_000 });
    await page.locator('input[name="login"]').fill('alice');
    await page.locator('input[name="password"]').fill('anything');
    await page.locator('button[type="submit"]').click();
    await page
      .locator('button[type="submit"]')
      .filter({ hasText: /continue/i })
      .click();
    await page.waitForURL((url) => url.origin === oidcServer.url, { timeout: 30_000 });
    await login.user.waitFor({ timeout: 30_000 });
    expect(await login.user.innerText()).toBe('oidc:alice');
    expect(new URL(page.url()).pathname).toBe('/graph');
    const namespaces = await page.evaluate(async () => {
      const res = await fetch('/api/namespaces');
      return ((await res.json()) as { namespaces: { name: string }[] }).namespaces.map((n) => n.name);
    });
    expect(namespaces).toContain('bookinfo');

    await login.signOut.click();
    await login.heading.waitFor();
    const after = await page.evaluate(async () => (await fetch('/api/namespaces')).status);
    expect(after).toBe(401);
    await page.close();
  });

  it('refuses a forged callback in words', async () => {
    const page = await newPage();
    await page.goto(`${oidcServer.url}/api/auth/oidc/callback?state=forged&code=forged`);
    const login = new LoginPage(page, oidcServer.url);
    await login.heading.waitFor();
    expect(await login.error.innerText()).toBe(
      'The sign-in took too long or began in another browser; try again.',
    );
    await page.close();
  });
});
