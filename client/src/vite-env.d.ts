/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Overrides the automatic logoff delay (ms); for demos and browser tests. */
  readonly VITE_IDLE_TIMEOUT_MS?: string;
}
