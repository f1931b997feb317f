import type { StylesheetJson } from 'cytoscape';
import type { Palette } from './palette';

/**
 * The one stylesheet of the graph, driven by element data (see NodeData/EdgeData in toElements):
 * shapes by `nodeType`, border colour by `health`, edge colour by `state`, width by `width`,
 * an mTLS marker in the middle of the edge by `mtls`, dotted borders for `idle` nodes.
 */
export function graphStylesheet(p: Palette, options: { large?: boolean } = {}): StylesheetJson {
  return [
    {
      selector: 'node',
      style: {
        shape: 'ellipse',
        width: 34,
        height: 34,
        'background-color': p.surface,
        'border-width': 2,
        'border-color': p.idle,
        label: 'data(label)',
        color: p.text,
        'font-family': p.fontFamily,
        'font-size': 11,
        'text-valign': 'bottom',
        'text-halign': 'center',
        'text-margin-y': 5,
        'text-wrap': 'wrap',
        'text-max-width': '160px',
        'text-background-color': p.surface,
        'text-background-opacity': 0.8,
        'text-background-padding': '1px',
        'text-background-shape': 'roundrectangle',
        'min-zoomed-font-size': 7,
      },
    },
    { selector: 'node[nodeType = "app"]', style: { shape: 'round-rectangle', width: 38, height: 30 } },
    { selector: 'node[nodeType = "service"]', style: { shape: 'triangle', width: 36, height: 32 } },
    { selector: 'node[nodeType = "external"]', style: { shape: 'tag', width: 38, height: 30 } },
    { selector: 'node[nodeType = "workload"]', style: { shape: 'ellipse' } },
    { selector: 'node[nodeType = "unknown"]', style: { shape: 'ellipse', 'border-style': 'dashed' } },
    { selector: 'node[health = "healthy"]', style: { 'border-color': p.healthy } },
    { selector: 'node[health = "degraded"]', style: { 'border-color': p.degraded, 'border-width': 3 } },
    { selector: 'node[health = "failure"]', style: { 'border-color': p.failure, 'border-width': 3 } },
    {
      selector: 'node[?idle]',
      style: { 'border-style': 'dotted', 'border-color': p.idle, color: p.textMuted },
    },
    {
      selector: 'node[?isBox]',
      style: {
        shape: 'round-rectangle',
        'background-color': p.box,
        'background-opacity': 1,
        'border-width': 1,
        'border-style': 'solid',
        'border-color': p.boxBorder,
        'text-valign': 'top',
        'text-halign': 'center',
        'text-margin-y': -4,
        'font-weight': 600,
        color: p.textMuted,
        'text-background-opacity': 0,
        padding: '14px',
      },
    },
    {
      selector: 'node:selected',
      style: {
        'border-color': p.accent,
        'border-width': 3,
        'overlay-color': p.accent,
        'overlay-opacity': 0.12,
        'overlay-padding': 6,
      },
    },
    {
      selector: 'node[?found]',
      style: {
        'underlay-color': p.found,
        'underlay-opacity': 0.35,
        'underlay-padding': 8,
        'underlay-shape': 'ellipse',
      },
    },
    {
      selector: 'edge',
      style: {
        'curve-style': 'bezier',
        width: 'data(width)',
        'line-color': p.idle,
        'target-arrow-shape': 'triangle',
        'target-arrow-color': p.idle,
        'arrow-scale': 0.9,
        label: 'data(label)',
        color: p.textMuted,
        'font-family': p.fontFamily,
        'font-size': 10,
        'text-wrap': 'wrap',
        'text-background-color': p.surface,
        'text-background-opacity': 0.9,
        'text-background-padding': '2px',
        'text-background-shape': 'roundrectangle',
        'min-zoomed-font-size': 7,
        'mid-target-arrow-color': p.text,
        'mid-target-arrow-fill': 'filled',
      },
    },
    {
      selector: 'edge[state = "healthy"]',
      style: { 'line-color': p.healthy, 'target-arrow-color': p.healthy },
    },
    {
      selector: 'edge[state = "degraded"]',
      style: { 'line-color': p.degraded, 'target-arrow-color': p.degraded },
    },
    {
      selector: 'edge[state = "failure"]',
      style: { 'line-color': p.failure, 'target-arrow-color': p.failure },
    },
    { selector: 'edge[state = "tcp"]', style: { 'line-color': p.tcp, 'target-arrow-color': p.tcp } },
    { selector: 'edge[state = "idle"]', style: { 'line-style': 'dashed', 'line-dash-pattern': [6, 4] } },
    // The mTLS "lock": a small solid square mid-edge for full mTLS, hollow for partial, none without.
    { selector: 'edge[mtls = "full"]', style: { 'mid-target-arrow-shape': 'square' } },
    {
      selector: 'edge[mtls = "partial"]',
      style: { 'mid-target-arrow-shape': 'square', 'mid-target-arrow-fill': 'hollow' },
    },
    { selector: 'edge[label != ""]', style: { 'text-margin-y': -9 } },
    // Canary edges fan out of one service node; text along each edge keeps their labels apart.
    {
      selector: 'edge[?canary]',
      style: { color: p.text, 'font-weight': 600, 'text-rotation': 'autorotate' },
    },
    { selector: 'edge[?drift]', style: { color: p.degraded } },
    {
      selector: 'edge:selected',
      style: { 'overlay-color': p.accent, 'overlay-opacity': 0.18, 'overlay-padding': 5 },
    },
    { selector: '.faded', style: { opacity: 0.25 } },
    {
      selector: 'edge[?found]',
      style: { 'underlay-color': p.found, 'underlay-opacity': 0.4, 'underlay-padding': 5 },
    },
    ...(options.large ? largeGraphRules() : []),
  ];
}

/** Nodes above which the canvas draws the cheaper way (see largeGraphRules). */
export const LARGE_GRAPH_NODES = 1000;

/**
 * PERFORMANCE: at thousands of elements every frame counts. Straight edges without mid-edge
 * markers or text backgrounds draw several times faster than bundled beziers; at the zoom such a
 * graph fits in, those details are below a pixel anyway, and the side panel still has them.
 * Node labels are drawn only for the nodes in view once zoomed in (class `labelled`).
 */
function largeGraphRules(): StylesheetJson {
  return [
    {
      selector: 'edge',
      style: {
        'curve-style': 'straight',
        'mid-target-arrow-shape': 'none',
        'text-background-opacity': 0,
        'min-zoomed-font-size': 10,
      },
    },
    // Measuring thousands of labels blocks the page for seconds: only nodes in view, once zoomed
    // in far enough to read them, get theirs (GraphCanvas adds the class).
    { selector: 'node', style: { label: '', 'text-background-opacity': 0 } },
    { selector: 'node.labelled', style: { label: 'data(label)' } },
  ];
}
