import { render } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { App } from '../App';

/** Renders the whole app at `route`, as a browser opening that URL would. */
export function renderApp({ route = '/', idleTimeoutMs }: { route?: string; idleTimeoutMs?: number } = {}) {
  return render(
    <MemoryRouter initialEntries={[route]}>
      <App idleTimeoutMs={idleTimeoutMs} />
    </MemoryRouter>,
  );
}
