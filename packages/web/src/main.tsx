import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { App } from './App';
import { createI18n } from './i18n';
import { createBrowserClient } from './lib/sdk';
import { registerServiceWorker } from './lib/serviceWorker';
import { createApp } from './store/app';
import { AppProvider } from './store/react';
import './styles.css';

const i18n = createI18n();
const app = createApp(createBrowserClient());
// Started once here, not in an effect: StrictMode runs effects twice in development and the SDK connection and its
// listeners must exist exactly once per tab.
app.start();

const root = document.getElementById('root');
if (!root) throw new Error('index.html lacks #root');

createRoot(root).render(
  <StrictMode>
    <I18nextProvider i18n={i18n}>
      <AppProvider app={app}>
        <App />
      </AppProvider>
    </I18nextProvider>
  </StrictMode>,
);

if (import.meta.env.PROD) registerServiceWorker();
