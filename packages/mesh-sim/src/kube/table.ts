/**
 * Server-side printing (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`): the columns
 * `kubectl get` shows. Cells are printed verbatim by kubectl, so ages are pre-formatted here.
 */
import type { KubeObject } from '../cluster/types';
import { asRecord } from './objects';
import type { PrinterColumn, ResourceInfo } from './registry';

/** apimachinery's `duration.HumanDuration`. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.floor(hours / 24) % 365;
    return dy === 0 ? `${Math.floor(hours / 24 / 365)}y` : `${Math.floor(hours / 24 / 365)}y${dy}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

function age(obj: KubeObject, now: number): string {
  const ts = obj.metadata.creationTimestamp;
  return ts ? humanDuration(now - Date.parse(ts)) : '<unknown>';
}

const NAME_COLUMN: PrinterColumn = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description:
    'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
  priority: 0,
};

function col(name: string, type = 'string', priority = 0): PrinterColumn {
  return { name, type, format: '', description: '', priority };
}

type Cell = string | number | boolean | null;

interface Printer {
  columns: PrinterColumn[];
  cells(obj: KubeObject, now: number): Cell[];
}

function containersOf(obj: KubeObject, path: 'spec' | 'template'): Record<string, unknown>[] {
  const spec = asRecord(obj.spec);
  const podSpec = path === 'spec' ? spec : asRecord(asRecord(spec.template).spec);
  return Array.isArray(podSpec.containers) ? podSpec.containers.map(asRecord) : [];
}

function selectorText(sel: unknown): string {
  const r = asRecord(sel);
  const labels = asRecord(r.matchLabels ?? (r.matchExpressions === undefined ? r : {}));
  const parts = Object.entries(labels).map(([k, v]) => `${k}=${String(v)}`);
  return parts.length ? parts.join(',') : '<none>';
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}

/** (Cluster)RoleBinding: ROLE as `Kind/name`; subjects by kind with -o wide. */
const BINDING_PRINTER: Printer = {
  columns: [
    col('Role'),
    col('Age'),
    col('Users', 'string', 1),
    col('Groups', 'string', 1),
    col('ServiceAccounts', 'string', 1),
  ],
  cells(obj, now) {
    const ref = asRecord(obj.roleRef);
    const subjects = Array.isArray(obj.subjects) ? obj.subjects.map(asRecord) : [];
    const names = (kind: string): string =>
      subjects
        .filter((x) => x.kind === kind)
        .map((x) =>
          kind === 'ServiceAccount'
            ? `${String(x.namespace ?? obj.metadata.namespace ?? '')}/${String(x.name)}`
            : String(x.name),
        )
        .join(', ');
    return [
      obj.metadata.name,
      `${String(ref.kind ?? '')}/${String(ref.name ?? '')}`,
      age(obj, now),
      names('User'),
      names('Group'),
      names('ServiceAccount'),
    ];
  },
};

const BUILTIN_PRINTERS: Record<string, Printer> = {
  pods: {
    columns: [
      col('Ready'),
      col('Status'),
      col('Restarts', 'string'),
      col('Age'),
      col('IP', 'string', 1),
      col('Node', 'string', 1),
      col('Nominated Node', 'string', 1),
      col('Readiness Gates', 'string', 1),
    ],
    cells(obj, now) {
      const status = asRecord(obj.status);
      const statuses = Array.isArray(status.containerStatuses) ? status.containerStatuses.map(asRecord) : [];
      const total = containersOf(obj, 'spec').length;
      const ready = statuses.filter((s) => s.ready === true).length;
      const restarts = statuses.reduce((n, s) => n + num(s.restartCount), 0);
      let phase = typeof status.phase === 'string' ? status.phase : 'Pending';
      for (const s of statuses) {
        const waiting = asRecord(asRecord(s.state).waiting);
        if (typeof waiting.reason === 'string') phase = waiting.reason;
      }
      if (obj.metadata.deletionTimestamp) phase = 'Terminating';
      return [
        obj.metadata.name,
        `${ready}/${total}`,
        phase,
        String(restarts),
        age(obj, now),
        typeof status.podIP === 'string' ? status.podIP : '<none>',
        typeof asRecord(obj.spec).nodeName === 'string' ? String(asRecord(obj.spec).nodeName) : '<none>',
        '<none>',
        '<none>',
      ];
    },
  },
  'deployments.apps': {
    columns: [
      col('Ready'),
      col('Up-to-date', 'integer'),
      col('Available', 'integer'),
      col('Age'),
      col('Containers', 'string', 1),
      col('Images', 'string', 1),
      col('Selector', 'string', 1),
    ],
    cells(obj, now) {
      const spec = asRecord(obj.spec);
      const status = asRecord(obj.status);
      const cs = containersOf(obj, 'template');
      return [
        obj.metadata.name,
        `${num(status.readyReplicas)}/${num(spec.replicas)}`,
        num(status.updatedReplicas),
        num(status.availableReplicas),
        age(obj, now),
        cs.map((c) => String(c.name)).join(','),
        cs.map((c) => String(c.image)).join(','),
        selectorText(spec.selector),
      ];
    },
  },
  'replicasets.apps': {
    columns: [
      col('Desired', 'integer'),
      col('Current', 'integer'),
      col('Ready', 'integer'),
      col('Age'),
      col('Containers', 'string', 1),
      col('Images', 'string', 1),
      col('Selector', 'string', 1),
    ],
    cells(obj, now) {
      const spec = asRecord(obj.spec);
      const status = asRecord(obj.status);
      const cs = containersOf(obj, 'template');
      return [
        obj.metadata.name,
        num(spec.replicas),
        num(status.replicas),
        num(status.readyReplicas),
        age(obj, now),
        cs.map((c) => String(c.name)).join(','),
        cs.map((c) => String(c.image)).join(','),
        selectorText(spec.selector),
      ];
    },
  },
  services: {
    columns: [
      col('Type'),
      col('Cluster-IP'),
      col('External-IP'),
      col('Port(s)'),
      col('Age'),
      col('Selector', 'string', 1),
    ],
    cells(obj, now) {
      const spec = asRecord(obj.spec);
      const ports = Array.isArray(spec.ports) ? spec.ports.map(asRecord) : [];
      const portText = ports.length
        ? ports
            .map(
              (p) =>
                `${num(p.port)}${p.nodePort !== undefined ? `:${num(p.nodePort)}` : ''}/${String(p.protocol ?? 'TCP')}`,
            )
            .join(',')
        : '<none>';
      const type = typeof spec.type === 'string' ? spec.type : 'ClusterIP';
      const external =
        type === 'LoadBalancer'
          ? '<pending>'
          : type === 'ExternalName'
            ? String(spec.externalName)
            : '<none>';
      return [
        obj.metadata.name,
        type,
        typeof spec.clusterIP === 'string' ? spec.clusterIP : '<none>',
        external,
        portText,
        age(obj, now),
        spec.selector ? selectorText(spec.selector) : '<none>',
      ];
    },
  },
  nodes: {
    columns: [
      col('Status'),
      col('Roles'),
      col('Age'),
      col('Version'),
      col('Internal-IP', 'string', 1),
      col('External-IP', 'string', 1),
      col('OS-Image', 'string', 1),
      col('Kernel-Version', 'string', 1),
      col('Container-Runtime', 'string', 1),
    ],
    cells(obj, now) {
      const status = asRecord(obj.status);
      const conditions = Array.isArray(status.conditions) ? status.conditions.map(asRecord) : [];
      const ready = conditions.find((c) => c.type === 'Ready')?.status === 'True' ? 'Ready' : 'NotReady';
      const roles = Object.keys(obj.metadata.labels ?? {})
        .filter((l) => l.startsWith('node-role.kubernetes.io/'))
        .map((l) => l.slice('node-role.kubernetes.io/'.length));
      const info = asRecord(status.nodeInfo);
      const addresses = Array.isArray(status.addresses) ? status.addresses.map(asRecord) : [];
      const addr = (type: string) => String(addresses.find((a) => a.type === type)?.address ?? '<none>');
      return [
        obj.metadata.name,
        ready,
        roles.length ? roles.join(',') : '<none>',
        age(obj, now),
        String(info.kubeletVersion ?? ''),
        addr('InternalIP'),
        addr('ExternalIP'),
        String(info.osImage ?? '<unknown>'),
        String(info.kernelVersion ?? '<unknown>'),
        String(info.containerRuntimeVersion ?? '<unknown>'),
      ];
    },
  },
  namespaces: {
    columns: [col('Status'), col('Age')],
    cells: (obj, now) => [obj.metadata.name, String(asRecord(obj.status).phase ?? 'Active'), age(obj, now)],
  },
  configmaps: {
    columns: [col('Data', 'integer'), col('Age')],
    cells: (obj, now) => [
      obj.metadata.name,
      Object.keys(asRecord(obj.data)).length + Object.keys(asRecord(obj.binaryData)).length,
      age(obj, now),
    ],
  },
  secrets: {
    columns: [col('Type'), col('Data', 'integer'), col('Age')],
    cells: (obj, now) => [
      obj.metadata.name,
      String(obj.type ?? 'Opaque'),
      Object.keys(asRecord(obj.data)).length,
      age(obj, now),
    ],
  },
  serviceaccounts: {
    columns: [col('Secrets', 'integer'), col('Age')],
    cells: (obj, now) => [
      obj.metadata.name,
      Array.isArray(obj.secrets) ? obj.secrets.length : 0,
      age(obj, now),
    ],
  },
  'rolebindings.rbac.authorization.k8s.io': BINDING_PRINTER,
  'clusterrolebindings.rbac.authorization.k8s.io': BINDING_PRINTER,
  endpoints: {
    columns: [col('Endpoints'), col('Age')],
    cells(obj, now) {
      const eps: string[] = [];
      for (const s of Array.isArray(obj.subsets) ? obj.subsets.map(asRecord) : []) {
        const addrs = Array.isArray(s.addresses) ? s.addresses.map(asRecord) : [];
        const ports = Array.isArray(s.ports) ? s.ports.map(asRecord) : [];
        for (const a of addrs)
          for (const p of ports.length ? ports : [{}])
            eps.push(p.port !== undefined ? `${String(a.ip)}:${num(p.port)}` : String(a.ip));
      }
      const text =
        eps.length === 0
          ? '<none>'
          : eps.length > 3
            ? `${eps.slice(0, 3).join(',')} + ${eps.length - 3} more...`
            : eps.join(',');
      return [obj.metadata.name, text, age(obj, now)];
    },
  },
};

/** `.spec.hosts` style JSONPath (the only form Istio's CRDs use). */
function jsonPathValue(obj: KubeObject, path: string): Cell {
  let cur: unknown = obj;
  for (const part of path
    .replace(/^\{?\.?/, '')
    .replace(/\}$/, '')
    .split('.')) {
    if (!part) continue;
    if (cur === null || typeof cur !== 'object') return null;
    cur = (cur as Record<string, unknown>)[part];
  }
  if (cur === undefined || cur === null) return null;
  if (typeof cur === 'string' || typeof cur === 'number' || typeof cur === 'boolean') return cur;
  return JSON.stringify(cur);
}

function printerFor(info: ResourceInfo, version: string): Printer {
  const gr = info.group ? `${info.resource}.${info.group}` : info.resource;
  const builtin = BUILTIN_PRINTERS[gr];
  if (builtin) return { columns: [NAME_COLUMN, ...builtin.columns], cells: builtin.cells };
  const crdCols = info.printerColumns.get(version) ?? [];
  if (crdCols.length > 0) {
    return {
      columns: [
        NAME_COLUMN,
        ...crdCols.map((c) => ({
          name: c.name,
          type: c.type,
          format: c.format ?? '',
          description: c.description ?? '',
          priority: c.priority ?? 0,
        })),
      ],
      cells: (obj, now) => [
        obj.metadata.name,
        ...crdCols.map((c) =>
          c.type === 'date' && c.jsonPath
            ? ((v) => (typeof v === 'string' ? humanDuration(now - Date.parse(v)) : v))(
                jsonPathValue(obj, c.jsonPath),
              )
            : jsonPathValue(obj, c.jsonPath ?? ''),
        ),
      ],
    };
  }
  const created = info.custom ? 'Age' : 'Created At';
  return {
    columns: [NAME_COLUMN, { name: created, type: 'date', format: '', description: '', priority: 0 }],
    cells: (obj, now) => [
      obj.metadata.name,
      info.custom ? age(obj, now) : (obj.metadata.creationTimestamp ?? ''),
    ],
  };
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: { resourceVersion?: string };
  columnDefinitions: PrinterColumn[];
  rows: { cells: Cell[]; object?: unknown }[];
}

/** Renders objects (already in the requested version) as a meta.k8s.io/v1 Table. */
export function toTable(
  info: ResourceInfo,
  version: string,
  objects: KubeObject[],
  includeObject: IncludeObject,
  resourceVersion?: string,
): Table {
  const printer = printerFor(info, version);
  const now = Date.now();
  const table: Table = {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: resourceVersion ? { resourceVersion } : {},
    columnDefinitions: printer.columns.map((c) => ({
      name: c.name,
      type: c.type,
      format: c.format ?? '',
      description: c.description ?? '',
      priority: c.priority ?? 0,
    })),
    rows: [],
  };
  for (const obj of objects) {
    const row: { cells: Cell[]; object?: unknown } = { cells: printer.cells(obj, now) };
    if (includeObject === 'Object') row.object = obj;
    else if (includeObject === 'Metadata') {
      row.object = { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
    }
    table.rows.push(row);
  }
  return table;
}
