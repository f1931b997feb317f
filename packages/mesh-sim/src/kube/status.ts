/**
 * Kubernetes `Status` error bodies, shaped exactly like apimachinery's `errors.go` produces them,
 * because kubectl prints `Error from server (<reason>): <message>` verbatim and client-node
 * hands the body to callers as a string they parse.
 */

export interface StatusCause {
  reason: string;
  message: string;
  field: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
}

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** Thrown by the store and the HTTP layer; the server turns it into a response as is. */
export class StatusError extends Error {
  readonly body: StatusBody;
  constructor(code: number, reason: string, message: string, details?: StatusDetails) {
    super(message);
    this.name = 'StatusError';
    this.body = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
    if (details) this.body.details = details;
  }
  get code(): number {
    return this.body.code;
  }
}

/** `virtualservices.networking.istio.io`, or `pods` for the core group. */
export function groupResourceString(group: string, resource: string): string {
  return group ? `${resource}.${group}` : resource;
}

function splitGroupResource(gr: string): { group: string; resource: string } {
  const dot = gr.indexOf('.');
  return dot < 0 ? { group: '', resource: gr } : { group: gr.slice(dot + 1), resource: gr.slice(0, dot) };
}

export function notFound(gr: string, name: string): StatusError {
  const { group, resource } = splitGroupResource(gr);
  return new StatusError(404, 'NotFound', `${gr} "${name}" not found`, { name, group, kind: resource });
}

export function pathNotFound(): StatusError {
  return new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function alreadyExists(gr: string, name: string): StatusError {
  const { group, resource } = splitGroupResource(gr);
  return new StatusError(409, 'AlreadyExists', `${gr} "${name}" already exists`, {
    name,
    group,
    kind: resource,
  });
}

export function conflict(gr: string, name: string): StatusError {
  const { group, resource } = splitGroupResource(gr);
  return new StatusError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${gr} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name, group, kind: resource },
  );
}

/** 422 Invalid: `details.kind` is the Kind (not the resource), as in apimachinery. */
export function invalid(kind: string, group: string, name: string, causes: StatusCause[]): StatusError {
  const gk = group ? `${kind}.${group}` : kind;
  const texts = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  const joined = texts.length === 1 ? (texts[0] ?? '') : `[${texts.join(', ')}]`;
  return new StatusError(422, 'Invalid', `${gk} "${name}" is invalid: ${joined}`, {
    name,
    group,
    kind,
    causes,
  });
}

/** A JSON patch that cannot be applied: the real server drops the jsonpatch text. */
export function genericInvalid(): StatusError {
  return new StatusError(
    422,
    'Invalid',
    'the server rejected our request due to an error in our request',
    {},
  );
}

export function badRequest(message: string): StatusError {
  return new StatusError(400, 'BadRequest', message);
}

export function unauthorized(): StatusError {
  return new StatusError(401, 'Unauthorized', 'Unauthorized');
}

export interface ForbiddenRequest {
  user: string;
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

/** The RBAC denial text kube-apiserver writes, word for word. */
export function forbidden(r: ForbiddenRequest): StatusError {
  const gr = groupResourceString(r.group, r.resource);
  const res = r.subresource ? `${r.resource}/${r.subresource}` : r.resource;
  const scope = r.namespace ? `in the namespace "${r.namespace}"` : 'at the cluster scope';
  const subject = r.name ? `${gr} "${r.name}"` : gr;
  const details: StatusDetails = { group: r.group, kind: r.resource };
  if (r.name) details.name = r.name;
  return new StatusError(
    403,
    'Forbidden',
    `${subject} is forbidden: User "${r.user}" cannot ${r.verb} resource "${res}" in API group "${r.group}" ${scope}`,
    details,
  );
}

export function unsupportedMediaType(strategicAllowed: boolean): StatusError {
  const types = [
    'application/json-patch+json',
    'application/merge-patch+json',
    'application/apply-patch+yaml',
  ];
  if (strategicAllowed) types.push('application/strategic-merge-patch+json');
  return new StatusError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${types.join(', ')}`,
  );
}

export function methodNotAllowed(): StatusError {
  return new StatusError(
    405,
    'MethodNotAllowed',
    'the server does not allow this method on the requested resource',
  );
}

export function expired(message: string): StatusError {
  return new StatusError(410, 'Expired', message);
}

/** A non-resource URL RBAC refuses, worded as kube-apiserver words it. */
export function forbiddenPath(user: string, verb: string, path: string): StatusError {
  return new StatusError(403, 'Forbidden', `forbidden: User "${user}" cannot ${verb} path "${path}"`, {});
}
