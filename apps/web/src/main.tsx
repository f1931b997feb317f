import { Fragment, StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClientProvider } from '@tanstack/react-query';
import { createQueryClient } from './api';
import { App } from './app/App';
import { applyInitialTheme } from './app/theme';
import './styles/theme.css';
import './styles/app.css';

applyInitialTheme();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

// StrictMode's double mount is a development check; in the built app it would send every first
// request twice (one aborted), which a 5,000-node graph query makes expensive.
const Checks = import.meta.env.DEV ? StrictMode : Fragment;

createRoot(root).render(
  <Checks>
    <QueryClientProvider client={createQueryClient()}>
      <App />
    </QueryClientProvider>
  </Checks>,
);
