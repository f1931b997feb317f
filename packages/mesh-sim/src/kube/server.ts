/**
 * The simulated kube-apiserver over HTTPS: authentication, RBAC, discovery, OpenAPI stubs,
 * CRUD with every PATCH flavour, Table printing, watches, access reviews and the
 * port-forward upgrade. Behaviour follows /work/shared/KUBE-SIM.md request by request.
 */
import { createServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { KubeObject } from '../cluster/types';
import { storeRbacSource } from './auth';
import type { AccessRequest, Tokens, User } from './auth';
import { Authenticator } from './authn';
import { hasImpersonation, impersonate } from './impersonation';
import { OidcAuthenticator } from './oidc';
import type { OidcOptions } from './oidc';
import { API_AUDIENCES, ServiceAccountTokens } from './serviceAccountTokens';
import { authorize as rbacAuthorize, rulesFor } from './rbac';
import type { Decision } from './rbac';
import {
  AGGREGATED_DISCOVERY_TYPE,
  aggregatedDiscovery,
  legacyApiVersions,
  legacyGroup,
  legacyGroupList,
  legacyResourceList,
  openApiGroupVersion,
  openApiRoot,
} from './discovery';
import { mediaType, parseBody, readBody, sendError, sendJson, sendText, warningsOf } from './http';
import { asRecord, clone, isRecord } from './objects';
import { jsonPatch, mergePatch, serverSideApply, strategicMergePatch } from './patch';
import { handlePortForward } from './portforward';
import { decodeSelfSubjectAccessReview, decodeSelfSubjectRulesReviewNamespace } from './protobuf';
import { decodeProtobufObject, decodeTokenRequest } from './protobufObjects';
import type { TokenRequestSpec } from './protobufObjects';
import type { ResourceInfo } from './registry';
import { allOf, fieldMatcher, labelMatcher } from './selectors';
import {
  StatusError,
  badRequest,
  forbidden,
  forbiddenPath,
  groupResourceString,
  methodNotAllowed,
  notFound,
  pathNotFound,
  unauthorized,
  unsupportedMediaType,
} from './status';
import type { KubeStore, WriteOptions } from './store';
import { toTable } from './table';
import type { IncludeObject } from './table';
import { WatchHub, serveWatch } from './watch';

/** Where a pod's port is really served (for port-forward); undefined → connection refused. */
export type PodTargetResolver = (pod: KubeObject, port: number) => { host: string; port: number } | undefined;

export interface ApiServerOptions {
  store: KubeStore;
  tokens: Tokens;
  /** Signs and verifies ServiceAccount tokens (default: a fresh key). */
  serviceAccountTokens?: ServiceAccountTokens;
  /** Accept OIDC ID tokens from this issuer (kube-apiserver's `--oidc-*`). */
  oidc?: OidcOptions;
  tls: { cert: string; key: string };
  host?: string;
  /** 0 or absent: any free port. */
  port?: number;
  /** `/version` minor; the gcloud kubectl dispatcher picks `kubectl.1.<minor>` from it. Default "32". */
  minorVersion?: string;
  podTarget?: PodTargetResolver;
  bookmarkIntervalMs?: number;
  log?: (line: string) => void;
}

export interface ApiServer {
  /** `https://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** Ends every open watch (they get no 410; clients reconnect). */
  closeWatches(): void;
  close(): Promise<void>;
}

interface ResourcePath {
  group: string;
  version: string;
  namespace?: string;
  resource: string;
  name?: string;
  subresource?: string;
}

const PUBLIC_PATHS = new Set(['/version', '/healthz', '/readyz', '/livez']);

/** `/api/v1/...` or `/apis/<g>/<v>/...` → the resource it names (or undefined). */
function parseResourcePath(segments: string[]): ResourcePath | undefined {
  let group: string;
  let version: string;
  let rest: string[];
  if (segments[0] === 'api' && segments.length >= 3) {
    group = '';
    version = segments[1] ?? '';
    rest = segments.slice(2);
  } else if (segments[0] === 'apis' && segments.length >= 4) {
    group = segments[1] ?? '';
    version = segments[2] ?? '';
    rest = segments.slice(3);
  } else return undefined;
  let namespace: string | undefined;
  if (
    rest[0] === 'namespaces' &&
    rest.length >= 3 &&
    !(rest.length === 3 && (rest[2] === 'status' || rest[2] === 'finalize'))
  ) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  if (rest.length < 1 || rest.length > 3) return undefined;
  const out: ResourcePath = { group, version, resource: rest[0] ?? '' };
  if (namespace !== undefined) out.namespace = namespace;
  if (rest[1] !== undefined) out.name = rest[1];
  if (rest[2] !== undefined) out.subresource = rest[2];
  return out;
}

function acceptsTable(accept: string | undefined): boolean {
  return !!accept && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}

function includeObjectParam(v: string | null): IncludeObject {
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const { store } = options;
  const registry = store.registry;
  const saTokens =
    options.serviceAccountTokens ??
    (await ServiceAccountTokens.create((ns, name) => store.peek('serviceaccounts', ns, name))).tokens;
  const auth = new Authenticator({
    tokens: options.tokens,
    serviceAccounts: saTokens,
    ...(options.oidc ? { oidc: new OidcAuthenticator(options.oidc, options.log) } : {}),
  });
  const rbac = storeRbacSource(store);
  const minor = options.minorVersion ?? '32';
  const hub = new WatchHub();
  const log = options.log ?? (() => undefined);
  /** Server-side apply: the last body each field manager applied, per object. */
  const applied = new Map<string, unknown>();
  let serverAddress = '127.0.0.1:0';

  const versionBody = {
    major: '1',
    minor,
    gitVersion: `v1.${minor}.0`,
    gitCommit: 'mesh-sim',
    gitTreeState: 'clean',
    buildDate: '2025-01-01T00:00:00Z',
    goVersion: 'go1.23.0',
    compiler: 'gc',
    platform: 'linux/amd64',
  };

  function present(info: ResourceInfo, version: string, obj: KubeObject): KubeObject {
    return { ...obj, apiVersion: info.group ? `${info.group}/${version}` : version };
  }

  function decide(user: User, req: AccessRequest): Decision {
    return rbacAuthorize(rbac, user, { resourceRequest: true, ...req });
  }

  function authorize(user: User, req: AccessRequest): void {
    if (!decide(user, req).allowed) throw forbidden({ user: user.name, ...req });
  }

  function authorizePath(user: User, verb: string, path: string): void {
    if (!rbacAuthorize(rbac, user, { resourceRequest: false, verb, path }).allowed)
      throw forbiddenPath(user.name, verb, path);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://mesh-sim.local');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const method = (req.method ?? 'GET').toUpperCase();
    const who = await auth.authenticate(req.headers.authorization);
    if (who === 'invalid') throw unauthorized();
    if (
      PUBLIC_PATHS.has(path) ||
      path.startsWith('/readyz/') ||
      path.startsWith('/livez/') ||
      path.startsWith('/healthz/')
    ) {
      if (path === '/version') sendJson(res, 200, versionBody);
      else sendText(res, 200, 'ok');
      return;
    }
    if (who === null) throw unauthorized();
    const user = hasImpersonation(req.headers) ? impersonate(who, req.headersDistinct, authorize) : who;
    const segments = path
      .split('/')
      .filter((s) => s.length > 0)
      .map(decodeURIComponent);

    const isResourcePath = parseResourcePath(segments) !== undefined;
    if (!isResourcePath) {
      // Discovery and OpenAPI: non-resource URLs, granted by system:discovery.
      authorizePath(user, method === 'GET' || method === 'HEAD' ? 'get' : method.toLowerCase(), path);
      if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed();
    }
    if (path === '/api' || path === '/apis') {
      const accept = req.headers.accept ?? '';
      if (/as=APIGroupDiscoveryList/.test(accept) && /v=v2(;|,|$)/.test(accept)) {
        sendJson(res, 200, aggregatedDiscovery(registry, path === '/api'), AGGREGATED_DISCOVERY_TYPE);
      } else {
        sendJson(res, 200, path === '/api' ? legacyApiVersions(serverAddress) : legacyGroupList(registry));
      }
      return;
    }
    if (segments[0] === 'openapi') {
      if (segments[1] !== 'v3') throw pathNotFound();
      if (segments.length === 2) {
        sendJson(res, 200, openApiRoot(registry));
        return;
      }
      const group = segments[2] === 'api' ? '' : (segments[3] ?? '');
      const version = segments[2] === 'api' ? (segments[3] ?? '') : (segments[4] ?? '');
      const doc =
        segments.length === (segments[2] === 'api' ? 4 : 5)
          ? openApiGroupVersion(registry, group, version)
          : undefined;
      if (!doc) throw pathNotFound();
      sendJson(res, 200, doc);
      return;
    }
    if (segments[0] === 'api' && segments.length === 2) {
      const list = legacyResourceList(registry, '', segments[1] ?? '');
      if (!list) throw pathNotFound();
      sendJson(res, 200, list);
      return;
    }
    if (segments[0] === 'apis' && segments.length === 2) {
      const g = legacyGroup(registry, segments[1] ?? '');
      if (!g) throw pathNotFound();
      sendJson(res, 200, g);
      return;
    }
    if (segments[0] === 'apis' && segments.length === 3) {
      const list = legacyResourceList(registry, segments[1] ?? '', segments[2] ?? '');
      if (!list) throw pathNotFound();
      sendJson(res, 200, list);
      return;
    }

    const rp = parseResourcePath(segments);
    if (!rp) throw pathNotFound();
    const info = registry.lookup(rp.group, rp.version, rp.resource);
    if (!info) throw pathNotFound();
    if (!info.namespaced && rp.namespace !== undefined) throw pathNotFound();
    if (rp.subresource && !info.subresources.some((s) => s.name === rp.subresource)) throw pathNotFound();
    await handleResource(req, res, url, method, user, info, rp);
  }

  function verbFor(method: string, rp: ResourcePath, url: URL): string {
    const watch = url.searchParams.get('watch');
    switch (method) {
      case 'GET':
      case 'HEAD':
        if (rp.name) return 'get';
        return watch === 'true' || watch === '1' ? 'watch' : 'list';
      case 'POST':
        return 'create';
      case 'PUT':
        return 'update';
      case 'PATCH':
        return 'patch';
      case 'DELETE':
        return rp.name ? 'delete' : 'deletecollection';
      default:
        throw methodNotAllowed();
    }
  }

  async function handleResource(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    method: string,
    user: User,
    info: ResourceInfo,
    rp: ResourcePath,
  ): Promise<void> {
    const gr = groupResourceString(info.group, info.resource);
    const verb = verbFor(method, rp, url);
    const access: AccessRequest = { verb, group: info.group, resource: info.resource };
    if (rp.subresource) access.subresource = rp.subresource;
    if (rp.namespace) access.namespace = rp.namespace;
    if (rp.name) access.name = rp.name;
    authorize(user, access);
    if (!info.verbs.includes(verb) && !rp.subresource) throw methodNotAllowed();
    const q = url.searchParams;
    const dryRun = q.getAll('dryRun').includes('All');
    const fv = q.get('fieldValidation');
    const wopts: WriteOptions = {
      dryRun,
      // kube-apiserver's default (no parameter) is Warn.
      fieldValidation: fv === 'Strict' || fv === 'Ignore' ? fv : 'Warn',
      warnings: warningsOf(res),
    };
    const ns = info.namespaced ? rp.namespace : undefined;
    const table = acceptsTable(req.headers.accept) ? includeObjectParam(q.get('includeObject')) : undefined;

    if (gr === 'selfsubjectaccessreviews.authorization.k8s.io' && method === 'POST') {
      await accessReview(req, res, user, info, rp.version);
      return;
    }
    if (gr === 'selfsubjectreviews.authentication.k8s.io' && method === 'POST') {
      await readBody(req); // `kubectl auth whoami` posts an empty protobuf review
      sendJson(res, 201, {
        kind: 'SelfSubjectReview',
        apiVersion: `authentication.k8s.io/${rp.version}`,
        metadata: { creationTimestamp: null },
        status: { userInfo: userInfoJson(user) },
      });
      return;
    }
    if (gr === 'tokenreviews.authentication.k8s.io' && method === 'POST') {
      const body = asRecord(parseBody(await readBody(req), mediaType(req.headers['content-type'])));
      const spec = asRecord(body.spec);
      const audiences = Array.isArray(spec.audiences)
        ? spec.audiences.filter((a): a is string => typeof a === 'string')
        : [];
      const reviewed =
        typeof spec.token === 'string' && spec.token
          ? await auth.authenticateToken(spec.token, audiences.length ? audiences : API_AUDIENCES)
          : undefined;
      sendJson(res, 201, {
        kind: 'TokenReview',
        apiVersion: `authentication.k8s.io/${rp.version}`,
        metadata: { creationTimestamp: null },
        spec,
        status: reviewed
          ? {
              authenticated: true,
              user: userInfoJson(reviewed),
              audiences: audiences.length ? audiences : API_AUDIENCES,
            }
          : { user: {}, error: '[invalid bearer token, token lookup failed]' },
      });
      return;
    }
    if (gr === 'serviceaccounts' && rp.subresource === 'token' && method === 'POST') {
      await tokenRequest(req, res, rp);
      return;
    }
    if (gr === 'selfsubjectrulesreviews.authorization.k8s.io' && method === 'POST') {
      const ct = mediaType(req.headers['content-type']);
      const raw = await readBody(req);
      // `kubectl auth can-i --list` posts protobuf, client-node JSON.
      const namespace = ct.includes('protobuf')
        ? decodeSelfSubjectRulesReviewNamespace(raw)
        : String(asRecord(asRecord(parseBody(raw, ct)).spec).namespace ?? '');
      const rules = rulesFor(rbac, user, namespace || undefined);
      sendJson(res, 201, {
        kind: 'SelfSubjectRulesReview',
        apiVersion: `authorization.k8s.io/${rp.version}`,
        metadata: { creationTimestamp: null },
        spec: namespace ? { namespace } : {},
        status: { ...rules, incomplete: false },
      });
      return;
    }

    switch (verb) {
      case 'get': {
        const obj = store.peek(gr, ns, rp.name ?? '');
        if (!obj) throw notFound(gr, rp.name ?? '');
        if (rp.subresource === 'scale') {
          sendJson(res, 200, scaleOf(obj));
          return;
        }
        if (rp.subresource === 'log') {
          sendText(res, 200, '');
          return;
        }
        if (rp.subresource === 'portforward') throw badRequest('Upgrade request required');
        const out = present(info, rp.version, obj);
        if (table)
          sendJson(
            res,
            200,
            toTable(info, rp.version, [out], table, obj.metadata.resourceVersion),
            'application/json;as=Table;v=v1;g=meta.k8s.io',
          );
        else sendJson(res, 200, out);
        return;
      }
      case 'list':
      case 'watch': {
        const matcher = allOf(labelMatcher(q.get('labelSelector')), fieldMatcher(q.get('fieldSelector')));
        if (verb === 'watch') {
          const timeout = q.get('timeoutSeconds');
          serveWatch(store, hub, req, res, {
            info,
            groupResource: gr,
            version: rp.version,
            ...(ns !== undefined ? { namespace: ns } : {}),
            ...(matcher ? { matcher } : {}),
            ...(q.get('resourceVersion') !== null ? { resourceVersion: q.get('resourceVersion') ?? '' } : {}),
            ...(timeout !== null ? { timeoutSeconds: Number(timeout) } : {}),
            allowBookmarks: q.get('allowWatchBookmarks') === 'true',
            sendInitialEvents: q.get('sendInitialEvents') === 'true',
            ...(table ? { table } : {}),
            bookmarkIntervalMs: options.bookmarkIntervalMs ?? 30_000,
          });
          return;
        }
        const rv = store.resourceVersion();
        let objects = store.list(gr, ns);
        if (matcher) objects = objects.filter(matcher);
        const items = objects.map((o) => present(info, rp.version, o));
        if (table) {
          sendJson(
            res,
            200,
            toTable(info, rp.version, items, table, rv),
            'application/json;as=Table;v=v1;g=meta.k8s.io',
          );
        } else {
          sendJson(res, 200, {
            kind: info.listKind,
            apiVersion: info.group ? `${info.group}/${rp.version}` : rp.version,
            metadata: { resourceVersion: rv },
            items,
          });
        }
        return;
      }
      case 'create': {
        if (rp.name) throw methodNotAllowed();
        const body = await objectBody(req);
        if (ns !== undefined) {
          if (body.metadata.namespace && body.metadata.namespace !== ns) {
            throw badRequest(
              'the namespace of the provided object does not match the namespace sent on the request',
            );
          }
          body.metadata.namespace = ns;
        }
        const created = store.create(gr, withVersion(info, rp.version, body), wopts);
        sendJson(res, 201, present(info, rp.version, created));
        return;
      }
      case 'update': {
        const body = await objectBody(req);
        checkIdentity(body, rp, ns);
        if (rp.subresource === 'scale') {
          const obj = store.peek(gr, ns, rp.name ?? '');
          if (!obj) throw notFound(gr, rp.name ?? '');
          const updated = applyScale(gr, obj, body, wopts);
          sendJson(res, 200, scaleOf(updated));
          return;
        }
        const input = withVersion(info, rp.version, body);
        const out =
          rp.subresource === 'status' ? store.updateStatus(gr, input, wopts) : store.update(gr, input, wopts);
        sendJson(res, 200, present(info, rp.version, out));
        return;
      }
      case 'patch': {
        await patch(req, res, q, info, gr, rp, ns, wopts);
        return;
      }
      case 'delete': {
        const name = rp.name ?? '';
        const existing = store.peek(gr, ns, name);
        if (!existing) throw notFound(gr, name);
        checkPreconditions(info, existing, await deleteOptions(req));
        const last = store.delete(gr, ns, name, { dryRun });
        if (!last) throw notFound(gr, name);
        if (info.custom || gr === 'namespaces' || gr === 'pods') {
          sendJson(res, 200, present(info, rp.version, last));
        } else {
          sendJson(res, 200, {
            kind: 'Status',
            apiVersion: 'v1',
            metadata: {},
            status: 'Success',
            details: { name, group: info.group, kind: info.resource, uid: last.metadata.uid },
          });
        }
        return;
      }
      case 'deletecollection': {
        const matcher = allOf(labelMatcher(q.get('labelSelector')), fieldMatcher(q.get('fieldSelector')));
        let objects = store.list(gr, ns);
        if (matcher) objects = objects.filter(matcher);
        const deleted = objects
          .map((o) => store.delete(gr, o.metadata.namespace, o.metadata.name, { dryRun }))
          .filter((o): o is KubeObject => o !== undefined)
          .map((o) => present(info, rp.version, o));
        sendJson(res, 200, {
          kind: info.listKind,
          apiVersion: info.group ? `${info.group}/${rp.version}` : rp.version,
          metadata: { resourceVersion: store.resourceVersion() },
          items: deleted,
        });
        return;
      }
      default:
        throw methodNotAllowed();
    }
  }

  /** The DeleteOptions body of a DELETE (JSON; absent or empty means none). */
  async function deleteOptions(req: IncomingMessage): Promise<Record<string, unknown>> {
    const raw = await readBody(req);
    const ct = mediaType(req.headers['content-type']);
    if (raw.toString('utf8').trim() === '' || ct.includes('protobuf')) return {};
    return asRecord(parseBody(raw, ct));
  }

  /**
   * `preconditions` of DeleteOptions, checked as kube-apiserver's BeforeDelete does (its
   * Conflict names the Kind, not the resource: `Operation cannot be fulfilled on Pod "x"`).
   */
  function checkPreconditions(info: ResourceInfo, obj: KubeObject, options: Record<string, unknown>): void {
    const pre = asRecord(options.preconditions);
    const gk = info.group ? `${info.kind}.${info.group}` : info.kind;
    const name = obj.metadata.name;
    const refuse = (why: string): StatusError =>
      new StatusError(409, 'Conflict', `Operation cannot be fulfilled on ${gk} "${name}": ${why}`, {
        name,
        group: info.group,
        kind: info.kind,
      });
    if (typeof pre.uid === 'string' && pre.uid !== obj.metadata.uid) {
      throw refuse(
        `the UID in the precondition (${pre.uid}) does not match the UID in record (${obj.metadata.uid ?? ''}). The object might have been deleted and then recreated`,
      );
    }
    if (typeof pre.resourceVersion === 'string' && pre.resourceVersion !== obj.metadata.resourceVersion) {
      throw refuse(
        `the ResourceVersion in the precondition (${pre.resourceVersion}) does not match the ResourceVersion in record (${obj.metadata.resourceVersion ?? ''}). The object might have been modified`,
      );
    }
  }

  function userInfoJson(user: User): Record<string, unknown> {
    const out: Record<string, unknown> = { username: user.name };
    if (user.uid) out.uid = user.uid;
    out.groups = user.groups;
    if (user.extra) out.extra = user.extra;
    return out;
  }

  /** `POST …/serviceaccounts/NAME/token` (TokenRequest; `kubectl create token` posts protobuf). */
  async function tokenRequest(req: IncomingMessage, res: ServerResponse, rp: ResourcePath): Promise<void> {
    const name = rp.name ?? '';
    const ct = mediaType(req.headers['content-type']);
    const raw = await readBody(req);
    let spec: TokenRequestSpec;
    if (ct === 'application/vnd.kubernetes.protobuf') {
      const decoded = decodeTokenRequest(raw);
      if (!decoded) throw badRequest('the body of the request is not a TokenRequest');
      spec = decoded;
    } else {
      const s = asRecord(asRecord(parseBody(raw, ct)).spec);
      spec = {
        audiences: Array.isArray(s.audiences)
          ? s.audiences.filter((a): a is string => typeof a === 'string')
          : [],
      };
      if (typeof s.expirationSeconds === 'number') spec.expirationSeconds = s.expirationSeconds;
    }
    const sa = store.peek('serviceaccounts', rp.namespace, name);
    if (!sa) throw notFound('serviceaccounts', name);
    const expirationSeconds = spec.expirationSeconds ?? 3600;
    const tooShort = expirationSeconds < 600;
    if (tooShort || expirationSeconds > 2 ** 32) {
      const message = `Invalid value: ${expirationSeconds}: ${tooShort ? 'may not specify a duration less than 10 minutes' : 'may not specify a duration larger than 2^32 seconds'}`;
      throw new StatusError(
        422,
        'Invalid',
        `TokenRequest.authentication.k8s.io "${name}" is invalid: spec.expirationSeconds: ${message}`,
        {
          name,
          group: 'authentication.k8s.io',
          kind: 'TokenRequest',
          causes: [{ reason: 'FieldValueInvalid', message, field: 'spec.expirationSeconds' }],
        },
      );
    }
    const audiences = spec.audiences.length ? spec.audiences : API_AUDIENCES;
    const issued = await saTokens.issue(sa, { audiences, expirationSeconds });
    sendJson(res, 201, {
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { name, namespace: rp.namespace, creationTimestamp: null },
      spec: { audiences, expirationSeconds, boundObjectRef: spec.boundObjectRef ?? null },
      status: issued,
    });
  }

  function withVersion(info: ResourceInfo, version: string, body: KubeObject): KubeObject {
    const gv = info.group ? `${info.group}/${version}` : version;
    return { ...body, apiVersion: body.apiVersion || gv, kind: body.kind || info.kind };
  }

  function checkIdentity(body: KubeObject, rp: ResourcePath, ns: string | undefined): void {
    if (body.metadata.name && body.metadata.name !== rp.name) {
      throw badRequest(
        `the name of the object (${body.metadata.name}) does not match the name on the URL (${rp.name ?? ''})`,
      );
    }
    body.metadata.name = rp.name ?? '';
    if (ns !== undefined) {
      if (body.metadata.namespace && body.metadata.namespace !== ns) {
        throw badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      body.metadata.namespace = ns;
    }
  }

  async function objectBody(req: IncomingMessage): Promise<KubeObject> {
    const ct = mediaType(req.headers['content-type']);
    const raw = await readBody(req);
    if (ct === 'application/vnd.kubernetes.protobuf') {
      const decoded = decodeProtobufObject(raw);
      if (!decoded) {
        throw new StatusError(
          415,
          'UnsupportedMediaType',
          'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml',
        );
      }
      return decoded;
    }
    const body = parseBody(raw, ct);
    if (!isRecord(body)) throw badRequest('the body of the request must be a JSON object');
    if (!isRecord(body.metadata)) body.metadata = {};
    return body as KubeObject;
  }

  function scaleOf(obj: KubeObject): unknown {
    const spec = asRecord(obj.spec);
    const status = asRecord(obj.status);
    const sel = asRecord(asRecord(spec.selector).matchLabels);
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: {
        name: obj.metadata.name,
        namespace: obj.metadata.namespace,
        uid: obj.metadata.uid,
        resourceVersion: obj.metadata.resourceVersion,
        creationTimestamp: obj.metadata.creationTimestamp,
      },
      spec: { replicas: spec.replicas ?? 0 },
      status: {
        replicas: status.replicas ?? 0,
        selector: Object.entries(sel)
          .map(([k, v]) => `${k}=${String(v)}`)
          .join(','),
      },
    };
  }

  function applyScale(gr: string, obj: KubeObject, scale: unknown, wopts: WriteOptions): KubeObject {
    const replicas = asRecord(asRecord(scale).spec).replicas;
    if (typeof replicas !== 'number') throw badRequest('spec.replicas must be a number');
    const next: KubeObject = { ...obj, spec: { ...asRecord(obj.spec), replicas } };
    const rv = asRecord(asRecord(scale).metadata).resourceVersion;
    next.metadata = { ...obj.metadata };
    if (typeof rv === 'string' && rv) next.metadata.resourceVersion = rv;
    return store.update(gr, next, wopts);
  }

  async function patch(
    req: IncomingMessage,
    res: ServerResponse,
    q: URLSearchParams,
    info: ResourceInfo,
    gr: string,
    rp: ResourcePath,
    ns: string | undefined,
    wopts: WriteOptions,
  ): Promise<void> {
    const dryRun = wopts.dryRun === true;
    const name = rp.name ?? '';
    const ct = mediaType(req.headers['content-type']);
    const known = [
      'application/json-patch+json',
      'application/merge-patch+json',
      'application/apply-patch+yaml',
      'application/strategic-merge-patch+json',
    ];
    if (!known.includes(ct) || (ct === 'application/strategic-merge-patch+json' && info.custom)) {
      throw unsupportedMediaType(!info.custom);
    }
    const body = parseBody(await readBody(req), ct);
    const existing = store.peek(gr, ns, name);

    if (ct === 'application/apply-patch+yaml') {
      const manager = q.get('fieldManager');
      if (!manager) {
        throw new StatusError(
          422,
          'Invalid',
          'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
          {
            group: 'meta.k8s.io',
            kind: 'PatchOptions',
            causes: [
              {
                reason: 'FieldValueRequired',
                message: 'Required value: is required for apply patch',
                field: 'fieldManager',
              },
            ],
          },
        );
      }
      if (!isRecord(body)) throw badRequest('apply patch body must be an object');
      const config = { ...body, metadata: { ...asRecord(body.metadata) } } as KubeObject;
      checkIdentity(config, rp, ns);
      const key = `${gr}/${ns ?? ''}/${name}/${manager}`;
      if (!existing) {
        const created = store.create(gr, withVersion(info, rp.version, config), wopts);
        if (!dryRun) applied.set(key, config);
        sendJson(res, 201, present(info, rp.version, created));
        return;
      }
      const current = clone(present(info, rp.version, existing));
      const merged = serverSideApply(current, applied.get(key), config) as KubeObject;
      merged.metadata.resourceVersion = existing.metadata.resourceVersion;
      const out =
        rp.subresource === 'status' ? store.updateStatus(gr, merged, wopts) : store.update(gr, merged, wopts);
      if (!dryRun) applied.set(key, config);
      sendJson(res, 200, present(info, rp.version, out));
      return;
    }

    if (!existing) throw notFound(gr, name);
    if (rp.subresource === 'scale') {
      const scale = scaleOf(existing);
      const patched = ct === 'application/json-patch+json' ? jsonPatch(scale, body) : mergePatch(scale, body);
      sendJson(res, 200, scaleOf(applyScale(gr, existing, patched, wopts)));
      return;
    }
    const current = clone(present(info, rp.version, existing));
    let patched: unknown;
    if (ct === 'application/json-patch+json') patched = jsonPatch(current, body);
    else if (ct === 'application/merge-patch+json') patched = mergePatch(current, body);
    else patched = strategicMergePatch(current, body);
    if (!isRecord(patched) || !isRecord(patched.metadata)) throw badRequest('patch removed metadata');
    const next = patched as KubeObject;
    const patchMeta = isRecord(body) ? asRecord(body.metadata) : {};
    // Only a resourceVersion the client put in its patch is a precondition.
    if (typeof patchMeta.resourceVersion !== 'string')
      next.metadata.resourceVersion = existing.metadata.resourceVersion;
    next.metadata.name = name;
    if (ns !== undefined) next.metadata.namespace = ns;
    const out =
      rp.subresource === 'status' ? store.updateStatus(gr, next, wopts) : store.update(gr, next, wopts);
    sendJson(res, 200, present(info, rp.version, out));
  }

  async function accessReview(
    req: IncomingMessage,
    res: ServerResponse,
    user: User,
    info: ResourceInfo,
    version: string,
  ): Promise<void> {
    const ct = mediaType(req.headers['content-type']);
    const raw = await readBody(req);
    let spec: Record<string, unknown>;
    if (ct === 'application/vnd.kubernetes.protobuf') {
      spec = decodeSelfSubjectAccessReview(raw) as Record<string, unknown>;
    } else {
      spec = asRecord(asRecord(parseBody(raw, ct)).spec);
    }
    let decision: Decision;
    const ra = asRecord(spec.resourceAttributes);
    const nra = asRecord(spec.nonResourceAttributes);
    const text = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
    if (spec.resourceAttributes) {
      const access: AccessRequest = {
        verb: String(ra.verb ?? ''),
        group: String(ra.group ?? ''),
        resource: String(ra.resource ?? ''),
      };
      const subresource = text(ra.subresource);
      const namespace = text(ra.namespace);
      const name = text(ra.name);
      if (subresource) access.subresource = subresource;
      if (namespace) access.namespace = namespace;
      if (name) access.name = name;
      decision = decide(user, access);
    } else if (spec.nonResourceAttributes) {
      decision = rbacAuthorize(rbac, user, {
        resourceRequest: false,
        verb: String(nra.verb ?? ''),
        path: String(nra.path ?? ''),
      });
    } else {
      throw new StatusError(
        422,
        'Invalid',
        `SelfSubjectAccessReview.authorization.k8s.io "" is invalid: [spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified]`,
        { group: info.group, kind: info.kind, causes: [] },
      );
    }
    const status: Record<string, unknown> = { allowed: decision.allowed };
    if (decision.reason) status.reason = decision.reason;
    sendJson(res, 201, {
      kind: 'SelfSubjectAccessReview',
      apiVersion: `authorization.k8s.io/${version}`,
      metadata: { creationTimestamp: null },
      spec,
      status,
    });
  }

  function refuseUpgrade(socket: Duplex, err: StatusError): void {
    const body = JSON.stringify(err.body);
    socket.end(
      `HTTP/1.1 ${err.code} ${err.body.reason ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }

  /** Upgraded (port-forward) connections: server.close() would otherwise wait for them. */
  const upgraded = new Set<Duplex>();

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    upgraded.add(socket);
    socket.on('close', () => upgraded.delete(socket));
    upgrade(req, socket, head).catch((err: unknown) => {
      refuseUpgrade(
        socket,
        err instanceof StatusError ? err : new StatusError(500, 'InternalError', String(err)),
      );
    });
  }

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    {
      const url = new URL(req.url ?? '/', 'https://mesh-sim.local');
      const segments = url.pathname
        .split('/')
        .filter((s) => s.length > 0)
        .map(decodeURIComponent);
      const rp = parseResourcePath(segments);
      const authenticated = await auth.authenticate(req.headers.authorization);
      if (authenticated === 'invalid' || authenticated === null) throw unauthorized();
      const who = hasImpersonation(req.headers)
        ? impersonate(authenticated, req.headersDistinct, authorize)
        : authenticated;
      if (
        !rp ||
        rp.group !== '' ||
        rp.resource !== 'pods' ||
        rp.subresource !== 'portforward' ||
        !rp.name ||
        !rp.namespace
      ) {
        throw pathNotFound();
      }
      authorize(who, {
        verb: 'create',
        group: '',
        resource: 'pods',
        subresource: 'portforward',
        namespace: rp.namespace,
        name: rp.name,
      });
      const pod = store.peek('pods', rp.namespace, rp.name);
      if (!pod) throw notFound('pods', rp.name);
      const phase = asRecord(pod.status).phase;
      if (phase !== 'Running') {
        throw badRequest(
          `pod ${rp.name} is not running. Current status=${typeof phase === 'string' ? phase : ''}`,
        );
      }
      const resolver = options.podTarget;
      log(`port-forward ${rp.namespace}/${rp.name} (${String(req.headers.upgrade)})`);
      handlePortForward(req, socket, head, (port) => (resolver ? resolver(pod, port) : undefined));
    }
  }

  const debug = process.env.MESH_SIM_DEBUG === '1';
  const server = createServer({ cert: options.tls.cert, key: options.tls.key }, (req, res) => {
    if (debug)
      log(
        `${req.method ?? ''} ${req.url ?? ''} ct=${req.headers['content-type'] ?? ''} accept=${req.headers.accept ?? ''} ua=${req.headers['user-agent'] ?? ''}`,
      );
    handle(req, res).catch((err: unknown) => {
      if (!(err instanceof StatusError)) log(`error on ${req.method ?? ''} ${req.url ?? ''}: ${String(err)}`);
      sendError(res, err);
    });
  });
  server.on('upgrade', onUpgrade);
  server.keepAliveTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  serverAddress = `127.0.0.1:${port}`;
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    closeWatches: () => hub.closeAll(),
    close: () =>
      new Promise<void>((resolve) => {
        hub.closeAll();
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of upgraded) socket.destroy();
      }),
  };
}
