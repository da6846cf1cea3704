import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVENT_TABLES_PRISMA, EVENT_TABLES_SQL } from '../../events';

// Domain owners copy the tables from the README; it must say what the constants say.
// (test/integration/events.test.ts checks the SQL against the models on a real database.)
describe('event tables', () => {
  const readme = readFileSync(path.join(__dirname, '../../events/README.md'), 'utf8');

  it('are in the README exactly as exported', () => {
    expect(readme).toContain(`\`\`\`prisma\n${EVENT_TABLES_PRISMA}\`\`\``);
    expect(readme).toContain(`\`\`\`sql\n${EVENT_TABLES_SQL}\`\`\``);
  });
});
