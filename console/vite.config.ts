import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

// Served by the API at /console/ (and its public pages /t/:code, /market); `npm run console:dev`
// proxies the API to a platform started with `npm start` on port 3000.
export default defineConfig({
  root,
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    // i18next and the Chinese catalogue (the default language) are part of the first download;
    // English is a chunk of its own, fetched when chosen.
    chunkSizeWarningLimit: 480,
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:3000',
      '/admin/queues': 'http://127.0.0.1:3000',
    },
  },
});
