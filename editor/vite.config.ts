/**
 * The editor's build: root `editor/`, output `editor/dist` (served by the server at `/`). In
 * development (`npx vite --config editor/vite.config.ts`) the API, webhooks and Socket.IO are
 * proxied to a running `npm start` on 127.0.0.1:8400.
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type ProxyOptions } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const repo = fileURLToPath(new URL('..', import.meta.url));
const API = 'http://127.0.0.1:8400';

/**
 * The server only answers requests whose Host is its own loopback name and whose Origin (if any)
 * is its own origin, so the proxy presents itself as that origin.
 */
const toApi = (ws = false): ProxyOptions => ({
  target: API,
  changeOrigin: true,
  ws,
  configure: (proxy) => {
    proxy.on('proxyReq', (req) => {
      if (req.getHeader('origin')) req.setHeader('origin', API);
    });
  },
});

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 4000,
  },
  server: {
    // The editor imports the shared pure modules in ../flows and ../nodes.
    fs: { allow: [repo] },
    proxy: { '/api': toApi(), '/hooks': toApi(), '/socket.io': toApi(true) },
  },
});
