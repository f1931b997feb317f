import { describe, expect, it } from 'vitest';
import { kialiThresholds } from '../health';
import { emptyGraph, ensureNode } from './model';
import { addHealth } from './nodeHealth';
import { emptyStats } from './stats';

describe('node health', () => {
  it('from the requests a node received and, for apps, sent; boxes take the worst member', () => {
    const g = emptyGraph();
    ensureNode(g, { id: 'box', nodeType: 'app', namespace: 'ns' }, false).isBox = true;
    ensureNode(g, { id: 'a', nodeType: 'app', namespace: 'ns' }, false).parent = 'box';
    ensureNode(g, { id: 'b', nodeType: 'app', namespace: 'ns' }, false).parent = 'box';
    ensureNode(g, { id: 'svc', nodeType: 'service', namespace: 'ns' }, false);
    const stats = emptyStats();
    Object.assign(stats, {
      rps: 10,
      serverErrorRps: 1,
      clientErrorRps: 0.5,
      byCode: { '200': 8.5, '503': 1, '404': 0.5 },
    });
    g.edges.set('a->svc', { id: 'a->svc', source: 'a', target: 'svc', protocol: 'http', stats, idle: false });
    addHealth(g, kialiThresholds);
    expect(g.nodes.get('svc')).toMatchObject({
      health: 'failure',
      traffic: { rpsIn: 10, errorRateIn: 0.15 },
    });
    expect(g.nodes.get('a')?.health).toBe('failure');
    expect(g.nodes.get('b')?.health).toBe('na');
    expect(g.nodes.get('box')?.health).toBe('failure');
  });
});
