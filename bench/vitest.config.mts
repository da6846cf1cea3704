import { fileURLToPath } from 'node:url';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// `npx vitest run --config bench/vitest.config.mts`: the benchmarks print figures and assert
// nothing about speed. SWC for decorator metadata, as in the main config.
const root = fileURLToPath(new URL('..', import.meta.url));
export default defineConfig({
  root,
  plugins: [swc.vite({ jsc: { target: 'es2022' }, module: { type: 'es6' } })],
  resolve: {
    alias: [
      { find: /^#kernel$/, replacement: `${root}kernel/index.ts` },
      { find: /^#kernel\/(.*)$/, replacement: `${root}kernel/$1.ts` },
    ],
  },
  test: { include: ['bench/**/*.bench.ts'], testTimeout: 300_000, hookTimeout: 300_000 },
});
