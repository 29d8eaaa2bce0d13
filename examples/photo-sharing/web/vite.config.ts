import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The local cloud serves `dist` at the API's origin, so the page calls the API and the user pool without CORS.
export default defineConfig({
  plugins: [react()],
  // The folder is not emptied first: a page loaded from the previous build keeps finding its assets while a new build runs,
  // as when `strato dev` restarts or two test runs build at once. Asset names carry content hashes, so nothing is overwritten.
  // NOTE: assets of old builds stay in dist/ until it is deleted by hand.
  build: { outDir: 'dist', emptyOutDir: false, sourcemap: true },
});
