#!/usr/bin/env node
// `npm run dev`: the TypeScript compiler in watch mode beside the whole stack, whose
// services restart (node --watch) whenever their compiled files change.
const { spawn } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '..');
const tsc = spawn(process.execPath, [require.resolve('typescript/bin/tsc', { paths: [root] }), '-p', 'tsconfig.build.json', '--watch', '--preserveWatchOutput'], {
  cwd: root,
  stdio: ['ignore', 'inherit', 'inherit'],
});
const stack = spawn(process.execPath, [join(root, 'dist/scripts/start.js'), '--watch'], { cwd: root, stdio: 'inherit' });

const stopAll = () => {
  tsc.kill('SIGTERM');
  stack.kill('SIGTERM');
};
process.once('SIGINT', stopAll);
process.once('SIGTERM', stopAll);
stack.on('exit', (code) => {
  tsc.kill('SIGTERM');
  process.exitCode = code ?? 0;
});
