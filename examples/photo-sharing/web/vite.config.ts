import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The local cloud serves `dist` at the API's origin, so the page calls the API and the user pool without CORS.
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
});
