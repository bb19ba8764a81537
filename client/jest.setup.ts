import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';
import { TextDecoder, TextEncoder } from 'node:util';

// jsdom lacks TextEncoder/TextDecoder, which react-router uses at import time.
Object.assign(globalThis, { TextEncoder, TextDecoder });

// Every test starts signed out: the auth session lives in sessionStorage.
beforeEach(() => {
  window.sessionStorage.clear();
});

// findBy*/waitFor wait for a state, not a time: on a loaded 2-core machine a lazily
// loaded page can take seconds to render, so the limit is generous.
configure({ asyncUtilTimeout: 10_000 });
