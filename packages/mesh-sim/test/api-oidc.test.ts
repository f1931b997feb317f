/**
 * OIDC bearer tokens, configured like kube-apiserver: a tiny issuer in this test (HTTPS with
 * its own CA, discovery + JWKS, tokens signed with jose) and the real kubectl presenting its
 * ID tokens with --token. Accepted when valid; 401 when expired, for another audience, from
 * another issuer string, or signed by a key the JWKS does not hold.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import type { CryptoKey, JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OidcAuthenticator } from '../src/kube/oidc';
import { startMeshSim } from '../src/sim';
import type { MeshSim } from '../src/sim';
import { generateCertificates } from '../src/tls/certificates';
import { caFromKubeconfig, httpsRequest } from './helpers/https';
import { kubectl } from './helpers/kubectl';
import type { KubectlOptions } from './helpers/kubectl';
import { makeTempDir } from './helpers/tempDir';
import { waitFor } from './helpers/waitFor';

const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
const tmp = makeTempDir('mesh-sim-oidc-');
const CLIENT_ID = 'sextant';
let issuerServer: Server;
let issuer: string;
let caFile: string;
let sim: MeshSim;
let child: ChildProcess | undefined;
const keys: { rsa?: { privateKey: CryptoKey; jwk: JWK }; ec?: { privateKey: CryptoKey; jwk: JWK } } = {};
let discoveryRequests = 0;

const k = (args: string[], extra: Partial<KubectlOptions> = {}) =>
  kubectl(args, { kubeconfig: sim.kubeconfig, cacheDir: join(tmp.path, 'cache'), ...extra });

async function idToken(
  claims: Record<string, unknown>,
  o: {
    alg?: 'RS256' | 'ES256';
    iss?: string;
    aud?: string;
    expiresIn?: number;
    key?: CryptoKey;
    kid?: string;
  } = {},
): Promise<string> {
  const alg = o.alg ?? 'RS256';
  const pair = alg === 'RS256' ? keys.rsa : keys.ec;
  if (!pair) throw new Error('keys not ready');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg, kid: o.kid ?? String(pair.jwk.kid) })
    .setIssuer(o.iss ?? issuer)
    .setAudience(o.aud ?? CLIENT_ID)
    .setSubject(String(claims.sub ?? 'user-1'))
    .setIssuedAt(now - 60)
    .setExpirationTime(now + (o.expiresIn ?? 600))
    .sign(o.key ?? pair.privateKey);
}

beforeAll(async () => {
  for (const alg of ['RS256', 'ES256'] as const) {
    const pair = await generateKeyPair(alg, { extractable: true });
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: `${alg}-key`, alg, use: 'sig' };
    keys[alg === 'RS256' ? 'rsa' : 'ec'] = { privateKey: pair.privateKey, jwk };
  }
  const certs = await generateCertificates();
  caFile = join(tmp.path, 'issuer-ca.pem');
  writeFileSync(caFile, certs.caPem);
  issuerServer = createServer({ cert: certs.certPem, key: certs.keyPem }, (req, res) => {
    res.setHeader('Content-Type', 'application/json');
    if (req.url === '/.well-known/openid-configuration') {
      discoveryRequests++;
      res.end(
        JSON.stringify({
          issuer,
          jwks_uri: `${issuer}/jwks`,
          id_token_signing_alg_values_supported: ['RS256', 'ES256'],
        }),
      );
    } else if (req.url === '/jwks') {
      res.end(JSON.stringify({ keys: [keys.rsa?.jwk, keys.ec?.jwk] }));
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  await new Promise<void>((r) => issuerServer.listen(0, '127.0.0.1', () => r()));
  issuer = `https://127.0.0.1:${(issuerServer.address() as AddressInfo).port}`;
  sim = await startMeshSim({
    scenario: 'bookinfo',
    traffic: false,
    log: () => undefined,
    oidc: {
      issuerUrl: issuer,
      clientId: CLIENT_ID,
      usernameClaim: 'email',
      groupsClaim: 'groups',
      groupsPrefix: 'oidc:',
      caFile,
    },
  });
});

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((r) => child?.on('exit', r));
    child.kill('SIGKILL');
    await exited;
  }
  await sim?.stop();
  issuerServer?.closeAllConnections();
  await new Promise<void>((r) => (issuerServer ? issuerServer.close(() => r()) : r()));
  tmp.remove();
});

describe('OIDC ID tokens', () => {
  it('accepts a valid ID token from kubectl --token: user from the email claim, prefixed groups, RBAC by group', async () => {
    const token = await idToken({
      email: 'alice@example.com',
      email_verified: true,
      groups: ['mesh-editors', 'dev'],
    });
    const whoami = await k(['auth', 'whoami', '--token', token]);
    expect(whoami.stderr).toBe('');
    expect(whoami.stdout).toMatch(/^Username\s+alice@example\.com$/m);
    expect(whoami.stdout).toMatch(/^Groups\s+\[oidc:mesh-editors oidc:dev system:authenticated\]$/m);
    const before = await k(['get', 'vs', '-n', 'bookinfo', '--token', token]);
    expect(before.stderr).toContain(
      'virtualservices.networking.istio.io is forbidden: User "alice@example.com" cannot list resource "virtualservices" in API group "networking.istio.io" in the namespace "bookinfo"',
    );
    expect(
      (
        await k([
          'create',
          'clusterrolebinding',
          'oidc-editors-view',
          '--clusterrole',
          'view',
          '--group',
          'oidc:mesh-editors',
        ])
      ).code,
    ).toBe(0);
    const after = await k(['get', 'vs', '-n', 'bookinfo', '-o', 'name', '--token', token]);
    expect(after.stdout).toContain('virtualservice.networking.istio.io/reviews');
    // ES256 tokens from the same JWKS work too.
    const ec = await idToken({ email: 'bob@example.com', groups: 'mesh-editors' }, { alg: 'ES256' });
    expect((await k(['auth', 'whoami', '--token', ec])).stdout).toMatch(/^Username\s+bob@example\.com$/m);
    expect(discoveryRequests).toBe(1);
  });

  it('refuses expired tokens, other audiences, a different issuer string, unknown keys and unverified emails', async () => {
    const ca = caFromKubeconfig(sim.kubeconfig);
    const status = async (token: string) =>
      (await httpsRequest(sim.apiServer, ca, '/api/v1/namespaces/bookinfo/pods', { token })).status;
    const claims = { email: 'alice@example.com', groups: ['mesh-editors'] };
    expect(await status(await idToken(claims))).toBe(200);

    const expired = await idToken(claims, { expiresIn: -120 });
    const r = await k(['get', 'pods', '-n', 'bookinfo', '--token', expired]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: You must be logged in to the server (Unauthorized)');
    expect(await status(await idToken(claims, { aud: 'someone-else' }))).toBe(401);
    expect(await status(await idToken(claims, { iss: `${issuer}/` }))).toBe(401);
    const stranger = await generateKeyPair('RS256');
    expect(await status(await idToken(claims, { key: stranger.privateKey }))).toBe(401);
    expect(await status(await idToken({ ...claims, email_verified: false }))).toBe(401);
    expect(await status(await idToken({ groups: ['mesh-editors'] }))).toBe(401); // no email claim
  });

  it('refuses a plain-http issuer that is not on loopback, as kube-apiserver refuses non-https issuers', () => {
    expect(() => new OidcAuthenticator({ issuerUrl: 'http://idp.example.com', clientId: 'x' })).toThrow(
      '--oidc-issuer-url must use https (got http://idp.example.com)',
    );
  });

  it('takes the --oidc-* flags on the CLI: sub claim with the default "<issuer>#" prefix', async () => {
    const kubeconfig = join(tmp.path, 'cli-kubeconfig');
    const proc = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli.ts',
        '--no-traffic',
        '--kubeconfig-out',
        kubeconfig,
        '--oidc-issuer-url',
        issuer,
        '--oidc-client-id',
        CLIENT_ID,
        '--oidc-ca-file',
        caFile,
      ],
      { cwd: PACKAGE_DIR, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = proc;
    let stdout = '';
    proc.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    await waitFor(() => stdout.includes('\n'), { timeoutMs: 60_000, message: 'mesh-sim ready line' });
    const token = await idToken({ sub: 'user-42' });
    const whoami = await kubectl(['auth', 'whoami', '--token', token], {
      kubeconfig,
      cacheDir: join(tmp.path, 'cli-cache'),
    });
    expect(whoami.stdout).toMatch(new RegExp(`^Username\\s+${issuer.replace(/[.]/g, '\\.')}#user-42$`, 'm'));
    const exited = new Promise((r) => proc.on('exit', r));
    proc.kill('SIGTERM');
    await exited;
  });
});
