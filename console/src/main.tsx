import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { languageReady } from './i18n/index.js';
import { App } from './app.js';
import './styles.css';

// The user's language first, so the console never flashes in the other one.
await languageReady;
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
