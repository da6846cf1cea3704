import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from '@graphql-codegen/cli';
import { describe, expect, it } from 'vitest';
import config from '../../codegen';

const root = join(__dirname, '..', '..');

// The generated client is not committed: postinstall writes it (npm run codegen). This
// regenerates it in memory with the same configuration and compares, so a schema or
// document change without a regeneration fails here instead of in a frontend build.
describe('generated client', () => {
  it('is up to date with supergraph.graphql and client/operations', async () => {
    const files = await generate({ ...config, cwd: root }, false);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const path = join(root, file.filename);
      const onDisk = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
      expect(onDisk, `${file.filename} is missing: run \`npm run codegen\``).toBeDefined();
      expect(onDisk === file.content, `${file.filename} is stale relative to supergraph.graphql and client/operations: run \`npm run codegen\``).toBe(true);
    }
  });

  it('maps money amounts to numbers and dates to strings, and types every operation', () => {
    const generated = readFileSync(join(root, 'client/src/generated/graphql.ts'), 'utf8');
    expect(generated).toContain("SafeInt: { input: number; output: number; }");
    expect(generated).toContain("DateTimeISO: { input: string; output: string; }");
    for (const operation of ['RegisterDocument', 'LoginDocument', 'RefreshTokenDocument', 'LogoutDocument', 'MeDocument', 'PlaceOrderDocument', 'CreatePaymentDocument', 'OrderStatusChangedDocument']) {
      expect(generated).toMatch(new RegExp(`export const ${operation} = .* as unknown as DocumentNode<`));
    }
    expect(generated).not.toMatch(/join__|link__|_Service|_entities/);
  });
});
