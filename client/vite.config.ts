import { fileURLToPath } from 'node:url';
import { defineConfig, type ProxyOptions } from 'vite';

// The Nest server (port 3000) serves /api and the socket.io endpoint; in
// development Vite forwards both so the browser sees one origin.
const serverOrigin = 'http://localhost:3000';
const proxy: Record<string, ProxyOptions> = {
  '/api': { target: serverOrigin, changeOrigin: true },
  '/socket.io': { target: serverOrigin, changeOrigin: true, ws: true },
};

export default defineConfig({
  // No @vitejs/plugin-react: esbuild's automatic JSX runtime is all we need.
  esbuild: { jsx: 'automatic' },
  resolve: {
    // Compile the shared protocol from its TypeScript source (no separate build step).
    alias: {
      '@hearth/protocol': fileURLToPath(new URL('../packages/protocol/src/index.ts', import.meta.url)),
    },
  },
  server: { port: 5173, proxy },
  preview: { port: 4173, proxy },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    rollupOptions: {
      onwarn(warning, warn) {
        // react-router ships "use client" directives, which mean nothing in a client-only bundle.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE' || warning.code === 'SOURCEMAP_ERROR') return;
        warn(warning);
      },
    },
  },
});
