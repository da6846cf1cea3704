import { fileURLToPath } from 'node:url';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// SWC instead of esbuild so type-graphql decorators get their design-type metadata.
const root = fileURLToPath(new URL('.', import.meta.url));
const shared = {
  plugins: [swc.vite({ jsc: { target: 'es2022' }, module: { type: 'es6' } })],
  resolve: {
    alias: [
      { find: /^#kernel$/, replacement: `${root}kernel/index.ts` },
      { find: /^#kernel\/(.*)$/, replacement: `${root}kernel/$1.ts` },
    ],
  },
};

export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        ...shared,
        test: {
          name: 'unit',
          include: ['kernel/test/**/*.test.ts', 'gateway/test/**/*.test.ts', 'subgraphs/*/test/**/*.test.ts', 'test/unit/**/*.test.ts'],
        },
      },
      {
        ...shared,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts', 'test/integration/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 120_000,
          // One supergraph per run is shared by every spec file, so files run one at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
