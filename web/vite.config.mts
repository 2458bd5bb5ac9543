import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
// `npm run web:dev` proxies the API to a service started with `npm start` (port 3000).
const api = process.env.GATEHOUSE_URL ?? 'http://localhost:3000';

export default defineConfig({
  root,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Served under a strict CSP (script-src 'self'): every script is a file, never inline.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  server: {
    proxy: Object.fromEntries(
      ['/api', '/media', '/health', '/docs'].map((prefix) => [prefix, { target: api }]),
    ),
  },
});
