#!/usr/bin/env node
// Generates the Prisma client of every domain (prisma/<domain>/schema.prisma).
// Plain JavaScript: it runs at install time, before TypeScript is compiled.
//
// Workaround: Prisma 7's CLI insists on downloading its schema-engine binary before
// `generate`, which fails offline, although `generate` never uses that binary. Pointing
// PRISMA_SCHEMA_ENGINE_BINARY at any existing file skips the download.
const { execFileSync } = require('node:child_process');
const { readdirSync, existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const prismaCli = require.resolve('prisma/build/index.js', { paths: [root] });
const env = { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY || process.execPath, PRISMA_HIDE_UPDATE_MESSAGE: '1' };

for (const domain of readdirSync(join(root, 'prisma'))) {
  const schema = join(root, 'prisma', domain, 'schema.prisma');
  if (!existsSync(schema)) continue;
  execFileSync(process.execPath, [prismaCli, 'generate', '--schema', schema], { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] });
  process.stdout.write(`prisma client generated for ${domain}\n`);
}
