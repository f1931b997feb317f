import { useCallback, useEffect, useState } from 'react';

export type Theme = 'light' | 'dark';
const STORAGE_KEY = 'sextant.theme';

function systemTheme(): Theme {
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

function storedTheme(): Theme | null {
  try {
    const value = window.localStorage.getItem(STORAGE_KEY);
    return value === 'light' || value === 'dark' ? value : null;
  } catch {
    return null;
  }
}

/** Applies the theme before React renders, so the first paint already has the right colours. */
export function applyInitialTheme(): Theme {
  const theme = storedTheme() ?? systemTheme();
  document.documentElement.dataset.theme = theme;
  return theme;
}

/**
 * The colour theme: the person's explicit choice when they made one, otherwise the system's
 * `prefers-color-scheme`, followed live.
 */
export function useTheme(): { theme: Theme; toggleTheme: () => void } {
  const [theme, setTheme] = useState<Theme>(() => storedTheme() ?? systemTheme());

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  useEffect(() => {
    const query = window.matchMedia?.('(prefers-color-scheme: dark)');
    if (!query) return;
    const handleChange = () => {
      if (storedTheme()) return;
      const next: Theme = query.matches ? 'dark' : 'light';
      document.documentElement.dataset.theme = next;
      setTheme(next);
    };
    query.addEventListener('change', handleChange);
    return () => query.removeEventListener('change', handleChange);
  }, []);

  const toggleTheme = useCallback(() => {
    const next: Theme = theme === 'dark' ? 'light' : 'dark';
    // Set before React re-renders: the graph canvas reads the new colours in its effects, which
    // run before this hook's own effect would.
    document.documentElement.dataset.theme = next;
    try {
      window.localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Private browsing may refuse storage; the toggle still works for this page.
    }
    setTheme(next);
  }, [theme]);

  return { theme, toggleTheme };
}
