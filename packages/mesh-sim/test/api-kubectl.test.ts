/**
 * Compatibility suite: the real kubectl (1.32 through the gcloud dispatcher, and 1.30 called
 * directly) against mesh-sim over HTTPS with bearer tokens, using the Istio samples unmodified.
 */
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { ISTIO_FIXTURES } from '../src/kube/bootstrap';
import { startMeshSim } from '../src/sim';
import type { MeshSim } from '../src/sim';
import { KUBECTL_1_30, KUBECTL_DISPATCHER, kubectl, spawnKubectl } from './helpers/kubectl';
import type { KubectlOptions } from './helpers/kubectl';
import { makeTempDir } from './helpers/tempDir';
import { waitFor } from './helpers/waitFor';

let sim: MeshSim;
const tmp = makeTempDir('mesh-sim-kubectl-');

beforeAll(async () => {
  sim = await startMeshSim({ scenario: 'bookinfo', traffic: false, log: () => undefined });
});

afterAll(async () => {
  await sim?.stop();
  tmp.remove();
});

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((entry) => {
      const p = join(dir, entry);
      return statSync(p).isDirectory() ? yamlFiles(p) : p.endsWith('.yaml') ? [p] : [];
    })
    .sort();
}

/** True when some document of the file names its own namespace (then `-n` must not be given). */
function hasOwnNamespaces(file: string): boolean {
  return YAML.parseAllDocuments(readFileSync(file, 'utf8')).some((d) => {
    const doc = d.toJSON() as { metadata?: { namespace?: string }; kind?: string } | null;
    return !!doc?.metadata?.namespace || doc?.kind === 'CustomResourceDefinition';
  });
}

const BINARIES = [
  { label: 'kubectl 1.32 (dispatcher)', bin: KUBECTL_DISPATCHER, ns: 'compat-132' },
  { label: 'kubectl 1.30', bin: KUBECTL_1_30, ns: 'compat-130' },
];

describe.each(BINARIES)('$label', ({ bin, ns }) => {
  const cacheDir = join(tmp.path, `cache-${ns}`);
  const k = (args: string[], extra: Partial<KubectlOptions> = {}) =>
    kubectl(args, { kubeconfig: sim.kubeconfig, cacheDir, bin, ...extra });

  const kubectlWithEnv = (args: string[], env: Record<string, string>) =>
    kubectl(args, { kubeconfig: sim.kubeconfig, cacheDir, bin, env });

  beforeAll(async () => {
    const r = await k(['apply', '-f', '-'], {
      stdin: `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n`,
    });
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`namespace/${ns} created`);
  });

  it('reports the server version that selects the kubectl binary', async () => {
    const r = await k(['version', '-o', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).serverVersion).toMatchObject({
      major: '1',
      minor: '32',
      gitVersion: 'v1.32.0',
    });
  });

  it('gets with server-side columns, across namespaces and by label', async () => {
    const vs = await k(['get', 'vs', '-n', 'bookinfo']);
    expect(vs.code).toBe(0);
    expect(vs.stdout).toMatch(/^NAME\s+GATEWAYS\s+HOSTS\s+AGE$/m);
    expect(vs.stdout).toMatch(/^reviews\s+\["reviews"\]\s+\d+[smh]/m);

    const pods = await k(['get', 'pods', '-A']);
    expect(pods.code).toBe(0);
    expect(pods.stdout).toMatch(/^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/m);
    expect(pods.stdout).toMatch(/^bookinfo\s+reviews-v2-\S+\s+2\/2\s+Running\s+0\s+/m);

    const byLabel = await k(['get', 'deploy', '-n', 'bookinfo', '-l', 'app=reviews', '-o', 'name']);
    expect(byLabel.stdout.trim().split('\n').sort()).toEqual([
      'deployment.apps/reviews-v1',
      'deployment.apps/reviews-v2',
      'deployment.apps/reviews-v3',
    ]);
    const none = await k(['get', 'deploy', '-n', 'bookinfo', '-l', 'app in (nothing)']);
    expect(none.stderr).toContain('No resources found in bookinfo namespace.');
  });

  it('applies every Istio sample unmodified, then re-applies them unchanged', async () => {
    for (const file of yamlFiles(ISTIO_FIXTURES)) {
      const args = hasOwnNamespaces(file) ? ['apply', '-f', file] : ['apply', '-n', ns, '-f', file];
      const first = await k(args);
      expect({ file, code: first.code, stderr: first.stderr.replace(/^Warning: .*$/gm, '').trim() }).toEqual({
        file,
        code: 0,
        stderr: '',
      });
      const again = await k(args);
      expect(again.code).toBe(0);
      const lines = again.stdout.trim().split('\n');
      expect({ file, changed: lines.filter((l) => !l.endsWith(' unchanged')) }).toEqual({
        file,
        changed: [],
      });
    }
    const vs = await k(['get', 'vs', '-n', ns, '-o', 'name']);
    expect(vs.stdout).toContain('virtualservice.networking.istio.io/reviews');
    const cfg = await k([
      'apply',
      '-n',
      ns,
      '-f',
      join(ISTIO_FIXTURES, 'bookinfo/networking/virtual-service-reviews-90-10.yaml'),
    ]);
    expect(cfg.stdout.trim()).toBe('virtualservice.networking.istio.io/reviews configured');
  });

  it('round-trips -o yaml through replace, and refuses a stale replace with Conflict', async () => {
    await k([
      'apply',
      '-n',
      ns,
      '-f',
      join(ISTIO_FIXTURES, 'bookinfo/networking/virtual-service-ratings-test-delay.yaml'),
    ]);
    const got = await k(['get', 'vs', 'ratings', '-n', ns, '-o', 'yaml']);
    expect(got.code).toBe(0);
    const obj = YAML.parse(got.stdout) as {
      apiVersion: string;
      spec: { hosts: string[] };
      metadata: { resourceVersion: string };
    };
    expect(obj.apiVersion).toBe('networking.istio.io/v1');
    expect(obj.spec.hosts).toEqual(['ratings']);
    const file = join(tmp.path, `${ns}-ratings.yaml`);
    writeFileSync(file, got.stdout);
    const replaced = await k(['replace', '-f', file]);
    expect(replaced.stdout.trim()).toBe('virtualservice.networking.istio.io/ratings replaced');
    await k([
      'patch',
      'vs',
      'ratings',
      '-n',
      ns,
      '--type',
      'merge',
      '-p',
      '{"metadata":{"labels":{"touched":"yes"}}}',
    ]);
    const stale = await k(['replace', '-f', file]);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('Error from server (Conflict): error when replacing');
    expect(stale.stderr).toContain(
      'Operation cannot be fulfilled on virtualservices.networking.istio.io "ratings": the object has been modified; please apply your changes to the latest version and try again',
    );
  });

  it('patches with merge and json patches, refuses strategic merge on a custom resource', async () => {
    await k([
      'apply',
      '-n',
      ns,
      '-f',
      join(ISTIO_FIXTURES, 'bookinfo/networking/virtual-service-reviews-80-20.yaml'),
    ]);
    const merge = await k([
      'patch',
      'vs',
      'reviews',
      '-n',
      ns,
      '--type',
      'merge',
      '-p',
      '{"spec":{"gateways":["mesh"]}}',
    ]);
    expect(merge.stdout.trim()).toBe('virtualservice.networking.istio.io/reviews patched');
    const json = await k([
      'patch',
      'vs',
      'reviews',
      '-n',
      ns,
      '--type',
      'json',
      '-p',
      '[{"op":"replace","path":"/spec/http/0/route/0/weight","value":50},{"op":"replace","path":"/spec/http/0/route/1/weight","value":50}]',
    ]);
    expect(json.code).toBe(0);
    const weights = await k([
      'get',
      'vs',
      'reviews',
      '-n',
      ns,
      '-o',
      'jsonpath={.spec.gateways[0]} {.spec.http[0].route[*].weight}',
    ]);
    expect(weights.stdout).toBe('mesh 50 50');

    const failing = await k([
      'patch',
      'vs',
      'reviews',
      '-n',
      ns,
      '--type',
      'json',
      '-p',
      '[{"op":"remove","path":"/spec/nothing"}]',
    ]);
    expect(failing.code).toBe(1);
    expect(failing.stderr).toContain(
      'The request is invalid: the server rejected our request due to an error in our request',
    );

    const strategic = await k(['patch', 'vs', 'reviews', '-n', ns, '-p', '{"spec":{"gateways":["mesh"]}}']);
    expect(strategic.code).toBe(1);
    expect(strategic.stderr).toContain(
      'application/strategic-merge-patch+json is not supported by networking.istio.io/v1, Kind=VirtualService: the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
    );
    const builtin = await k(['patch', 'deploy', 'reviews-v1', '-n', ns, '-p', '{"spec":{"replicas":2}}']);
    expect(builtin.stdout.trim()).toBe('deployment.apps/reviews-v1 patched');
  });

  it('edits through $KUBE_EDITOR (a merge patch for a custom resource)', async () => {
    await k([
      'apply',
      '-n',
      ns,
      '-f',
      join(ISTIO_FIXTURES, 'bookinfo/networking/virtual-service-reviews-90-10.yaml'),
    ]);
    const editor = join(tmp.path, `${ns}-editor.sh`);
    writeFileSync(
      editor,
      '#!/bin/sh\nsed -i -e "s/weight: 90/weight: 60/" -e "s/weight: 10/weight: 40/" "$1"\n',
      { mode: 0o755 },
    );
    const edit = await kubectlWithEnv(['edit', 'vs', 'reviews', '-n', ns], { KUBE_EDITOR: editor });
    expect(edit.stdout.trim()).toBe('virtualservice.networking.istio.io/reviews edited');
    const weights = await k([
      'get',
      'vs',
      'reviews',
      '-n',
      ns,
      '-o',
      'jsonpath={.spec.http[0].route[*].weight}',
    ]);
    expect(weights.stdout).toBe('60 40');
  });

  it('validates custom objects against the CRD schema: 422 with the field path, unknown fields pruned (400 when strict)', async () => {
    const bad = `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: bad\nspec:\n  hosts: reviews\n`;
    const r = await k(['apply', '-n', ns, '-f', '-'], { stdin: bad });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'The VirtualService "bad" is invalid: spec.hosts: Invalid value: "string": spec.hosts in body must be of type array: "string"',
    );
    const typo = `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: typo\nspec:\n  hosts: [a]\n  http:\n  - route:\n    - destination: {host: a}\n      wieght: 10\n`;
    const strict = await k(['apply', '-n', ns, '-f', '-'], { stdin: typo });
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain(
      'VirtualService in version "v1" cannot be handled as a VirtualService: strict decoding error: unknown field "spec.http[0].route[0].wieght"',
    );
    const warned = await k(['apply', '-n', ns, '--validate=warn', '-f', '-'], { stdin: typo });
    expect(warned.code).toBe(0);
    expect(warned.stderr).toContain('Warning: unknown field "spec.http[0].route[0].wieght"');
    const pruned = await k(['get', 'vs', 'typo', '-n', ns, '-o', 'jsonpath={.spec.http[0].route[0]}']);
    expect(JSON.parse(pruned.stdout)).toEqual({ destination: { host: 'a' } });
  });

  it('applies server-side and diffs', async () => {
    const file = join(ISTIO_FIXTURES, 'bookinfo/networking/virtual-service-details-v2.yaml');
    const ssa = await k(['apply', '--server-side', '-n', ns, '-f', file]);
    expect(ssa.code).toBe(0);
    expect(ssa.stdout.trim()).toBe('virtualservice.networking.istio.io/details serverside-applied');
    const same = await k([
      'diff',
      '-n',
      ns,
      '-f',
      join(ISTIO_FIXTURES, 'bookinfo/networking/virtual-service-reviews-v3.yaml'),
    ]);
    expect(same.code).toBe(1); // 1 = differences found
    expect(same.stdout).toMatch(/^-\s+subset: v1$/m);
    expect(same.stdout).toMatch(/^\+\s+subset: v3$/m);
    const after = await k([
      'get',
      'vs',
      'reviews',
      '-n',
      ns,
      '-o',
      'jsonpath={.spec.http[0].route[0].destination.subset}',
    ]);
    expect(after.stdout).toBe('v1'); // diff is a dry run
  });

  it('creates with generator commands, whose bodies are protobuf', async () => {
    const ns2 = `${ns}-gen`;
    expect((await k(['create', 'namespace', ns2])).stdout.trim()).toBe(`namespace/${ns2} created`);
    expect((await k(['create', 'configmap', 'cfg', '-n', ns2, '--from-literal=a=b'])).stdout.trim()).toBe(
      'configmap/cfg created',
    );
    const data = await k(['get', 'configmap', 'cfg', '-n', ns2, '-o', 'jsonpath={.data.a}']);
    expect(data.stdout).toBe('b');
    const del = await k(['delete', 'namespace', ns2]);
    expect(del.stdout.trim()).toBe(`namespace "${ns2}" deleted`);
    expect((await k(['get', 'configmap', '-n', ns2, '-o', 'name'])).stdout).toBe('');
  });

  it('deletes', async () => {
    await k([
      'apply',
      '-n',
      ns,
      '-f',
      join(ISTIO_FIXTURES, 'bookinfo/networking/destination-rule-reviews.yaml'),
    ]);
    const del = await k(['delete', 'dr', 'reviews', '-n', ns]);
    expect(del.stdout.trim()).toBe('destinationrule.networking.istio.io "reviews" deleted');
    const get = await k(['get', 'dr', 'reviews', '-n', ns]);
    expect(get.code).toBe(1);
    expect(get.stderr).toContain(
      'Error from server (NotFound): destinationrules.networking.istio.io "reviews" not found',
    );
  });

  it('watches: get -w --output-watch-events sees changes made by another command', async () => {
    await k([
      'apply',
      '-n',
      ns,
      '-f',
      join(ISTIO_FIXTURES, 'bookinfo/networking/virtual-service-ratings-db.yaml'),
    ]);
    const watch = spawnKubectl(['get', 'vs', 'ratings', '-n', ns, '-w', '--output-watch-events'], {
      kubeconfig: sim.kubeconfig,
      cacheDir,
      bin,
    });
    try {
      await waitFor(() => /^ADDED\s+ratings\s/m.test(watch.output()), {
        timeoutMs: 15_000,
        message: 'ADDED',
      });
      await k([
        'patch',
        'vs',
        'ratings',
        '-n',
        ns,
        '--type',
        'merge',
        '-p',
        '{"spec":{"gateways":["watched"]}}',
      ]);
      await waitFor(() => /^MODIFIED\s+ratings\s+\["watched"\]/m.test(watch.output()), {
        timeoutMs: 15_000,
        message: 'MODIFIED',
      });
      await k(['delete', 'vs', 'ratings', '-n', ns]);
      await waitFor(() => /^DELETED\s+ratings\s/m.test(watch.output()), {
        timeoutMs: 15_000,
        message: 'DELETED',
      });
    } finally {
      await watch.stop();
    }
  });

  it('refuses the viewer, answers auth can-i truthfully, rejects a bad token', async () => {
    const viewer = { context: 'mesh-sim-viewer' };
    const list = await k(['get', 'vs', '-n', 'bookinfo', '-o', 'name'], viewer);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('virtualservice.networking.istio.io/reviews');
    const del = await k(['delete', 'vs', 'reviews', '-n', 'bookinfo'], viewer);
    expect(del.code).toBe(1);
    expect(del.stderr).toContain(
      'Error from server (Forbidden): virtualservices.networking.istio.io "reviews" is forbidden: User "mesh-sim-viewer" cannot delete resource "virtualservices" in API group "networking.istio.io" in the namespace "bookinfo"',
    );
    const no = await k(['auth', 'can-i', 'patch', 'vs', '-n', 'bookinfo'], viewer);
    expect({ code: no.code, out: no.stdout.trim() }).toEqual({ code: 1, out: 'no' });
    const yes = await k(['auth', 'can-i', 'list', 'vs', '-n', 'bookinfo'], viewer);
    expect({ code: yes.code, out: yes.stdout.trim() }).toEqual({ code: 0, out: 'yes' });
    const admin = await k(['auth', 'can-i', 'patch', 'vs', '-n', 'bookinfo']);
    expect({ code: admin.code, out: admin.stdout.trim() }).toEqual({ code: 0, out: 'yes' });
    const whoami = await k(['auth', 'whoami'], viewer);
    expect(whoami.stdout).toMatch(/^Username\s+mesh-sim-viewer$/m);
    const rules = await k(['auth', 'can-i', '--list'], viewer);
    // The rules of the real `view` role (aggregated, Istio's kinds included), never secrets.
    expect(rules.stdout).toMatch(/^\*\.networking\.istio\.io\s+\[\]\s+\[\]\s+\[get list watch\]$/m);
    expect(rules.stdout).toMatch(/^pods\s+\[\]\s+\[\]\s+\[get list watch\]$/m);
    expect(rules.stdout).toMatch(/^\s+\[\/apis\/\*\]\s+\[\]\s+\[get\]$/m);
    expect(rules.stdout).not.toMatch(/secrets/);
    const bad = await k(['get', 'pods', '--token', 'not-a-token']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('error: You must be logged in to the server (Unauthorized)');
  });
});
