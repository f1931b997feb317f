/**
 * Colours the canvas draws with. The CSS custom properties of the active theme are the source of
 * truth (styles/theme.css); the canvas cannot read CSS variables itself, so they are copied here.
 */
export interface Palette {
  text: string;
  textMuted: string;
  surface: string;
  box: string;
  boxBorder: string;
  accent: string;
  found: string;
  healthy: string;
  degraded: string;
  failure: string;
  idle: string;
  tcp: string;
  fontFamily: string;
}

const CSS_VARIABLES: Readonly<Record<keyof Palette, string>> = {
  text: '--text',
  textMuted: '--text-muted',
  surface: '--surface',
  box: '--graph-box',
  boxBorder: '--graph-box-border',
  accent: '--accent',
  found: '--graph-found',
  healthy: '--healthy',
  degraded: '--degraded',
  failure: '--failure',
  idle: '--idle',
  tcp: '--tcp',
  fontFamily: '--font-sans',
};

export const LIGHT_PALETTE: Palette = {
  text: '#1d232b',
  textMuted: '#5b6573',
  surface: '#ffffff',
  box: '#f1f4f8',
  boxBorder: '#c9d0da',
  accent: '#2563c9',
  found: '#8b5cf6',
  healthy: '#2e8540',
  degraded: '#c86a00',
  failure: '#c9302c',
  idle: '#9aa3ae',
  tcp: '#2563c9',
  fontFamily: 'system-ui, sans-serif',
};

/** Reads the palette from the CSS variables on `element`, falling back to the light theme. */
export function readPalette(element: Element): Palette {
  const style = getComputedStyle(element);
  const palette = { ...LIGHT_PALETTE };
  for (const key of Object.keys(CSS_VARIABLES) as (keyof Palette)[]) {
    const value = style.getPropertyValue(CSS_VARIABLES[key]).trim();
    if (value) palette[key] = value;
  }
  return palette;
}
