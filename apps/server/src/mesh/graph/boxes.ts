import type { GraphNode } from '@sextant/shared';
import type { WorkingGraph } from './model';

/** Stage 6, boxes: versions of one app are drawn inside a box named after the app, when there are several. */
export function addAppBoxes(g: WorkingGraph): void {
  const groups = new Map<string, GraphNode[]>();
  for (const n of g.nodes.values()) {
    if (n.nodeType !== 'app' || n.version === undefined || n.app === undefined) continue;
    const key = `${n.namespace}:${n.app}`;
    const list = groups.get(key);
    if (list) list.push(n);
    else groups.set(key, [n]);
  }
  for (const [key, members] of groups) {
    const first = members[0];
    if (members.length < 2 || !first) continue;
    const id = `box:${key}`;
    g.nodes.set(id, {
      id,
      nodeType: 'app',
      namespace: first.namespace,
      app: first.app,
      isBox: true,
      hasSidecar: true,
      health: 'na',
      badges: [],
    });
    for (const m of members) m.parent = id;
  }
}
