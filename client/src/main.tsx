import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { App } from './App';
import { DEFAULT_IDLE_TIMEOUT_MS } from './features/auth/useIdleLogout';
import './styles.css';

// import.meta stays in this file: jest cannot parse it, and nothing imports main.tsx.
const configuredIdle = Number(import.meta.env.VITE_IDLE_TIMEOUT_MS);
const idleTimeoutMs = Number.isFinite(configuredIdle) && configuredIdle > 0 ? configuredIdle : DEFAULT_IDLE_TIMEOUT_MS;

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');

createRoot(container).render(
  <StrictMode>
    <BrowserRouter>
      <App idleTimeoutMs={idleTimeoutMs} />
    </BrowserRouter>
  </StrictMode>,
);
