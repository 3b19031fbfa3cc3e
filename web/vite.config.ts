import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// Built into ../dist/web, which the console port serves (src/console/console-web.ts).
// `npm run dev -w web` proxies /api to a running server (CONSOLE_URL, default http://127.0.0.1:9001).
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: resolve(__dirname, '../dist/web'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 400,
    target: 'es2022',
  },
  server: { proxy: { '/api': process.env.CONSOLE_URL ?? 'http://127.0.0.1:9001' } },
  test: { include: ['src/**/*.test.ts'], environment: 'node' },
});
