import '@testing-library/jest-dom';
import { TextDecoder, TextEncoder } from 'node:util';

// jsdom lacks TextEncoder/TextDecoder, which react-router uses at import time.
Object.assign(globalThis, { TextEncoder, TextDecoder });

// Every test starts signed out: the auth session lives in sessionStorage.
beforeEach(() => {
  window.sessionStorage.clear();
});
