import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin, type ProxyOptions } from 'vite';

/**
 * MediaPipe selfie segmentation (the background blur fallback) loads its
 * script, wasm and model at run time by URL. They are served from our own
 * origin under /mediapipe/selfie_segmentation/: copied from node_modules into
 * the build, and served from there by the dev server. Nothing from a CDN.
 */
export const SEGMENTATION_URL = '/mediapipe/selfie_segmentation/';
function selfieSegmentationAssets(): Plugin {
  const dir = path.dirname(createRequire(import.meta.url).resolve('@mediapipe/selfie_segmentation/package.json'));
  const files = readdirSync(dir).filter((f) => /\.(js|wasm|data|tflite|binarypb)$/.test(f));
  const types: Record<string, string> = { '.js': 'text/javascript', '.wasm': 'application/wasm' };
  return {
    name: 'hearth-selfie-segmentation-assets',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const name = req.url?.startsWith(SEGMENTATION_URL) ? req.url.slice(SEGMENTATION_URL.length).split('?')[0] : '';
        if (!name || !files.includes(name)) return next();
        res.setHeader('Content-Type', types[path.extname(name)] ?? 'application/octet-stream');
        res.end(readFileSync(path.join(dir, name)));
      });
    },
    generateBundle() {
      for (const name of files) {
        this.emitFile({ type: 'asset', fileName: `${SEGMENTATION_URL.slice(1)}${name}`, source: readFileSync(path.join(dir, name)) });
      }
    },
  };
}

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
  plugins: [selfieSegmentationAssets()],
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
