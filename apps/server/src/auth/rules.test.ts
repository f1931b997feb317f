import { describe, expect, it } from 'vitest';
import { rulesAllow } from './rules';

describe('rulesAllow', () => {
  const view = { verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods', 'services'] };
  it('grants the listed verbs on the listed resources of the group', () => {
    expect(rulesAllow([view], 'list', '', 'pods')).toBe(true);
    expect(rulesAllow([view], 'list', '', 'secrets')).toBe(false);
    expect(rulesAllow([view], 'update', '', 'pods')).toBe(false);
    expect(rulesAllow([view], 'list', 'apps', 'pods')).toBe(false);
  });
  it('honours wildcards in verbs, groups and resources', () => {
    const all = { verbs: ['*'], apiGroups: ['*'], resources: ['*'] };
    expect(rulesAllow([all], 'list', 'networking.istio.io', 'virtualservices')).toBe(true);
    const istio = { verbs: ['list'], apiGroups: ['networking.istio.io'], resources: ['*'] };
    expect(rulesAllow([istio], 'list', 'networking.istio.io', 'gateways')).toBe(true);
    expect(rulesAllow([istio], 'list', 'security.istio.io', 'peerauthentications')).toBe(false);
  });
  it('never grants a list through a rule limited to resource names', () => {
    const named = { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'], resourceNames: ['a'] };
    expect(rulesAllow([named], 'list', '', 'pods')).toBe(false);
    expect(rulesAllow([named], 'get', '', 'pods', 'a')).toBe(true);
    expect(rulesAllow([named], 'get', '', 'pods', 'b')).toBe(false);
  });
  it('grants nothing with no rules', () => {
    expect(rulesAllow([], 'list', '', 'pods')).toBe(false);
  });
});
