import { randomBytes, randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { domainDatabase, errorCodes, graphqlRequest, type GraphQLResult } from '../support/clients';
import { callAs, LOGIN, ME, registerCustomer, type SignedIn } from '../support/accounts';
import { asAdmin, eventually } from '../support/admin';

const USERS = /* GraphQL */ `
  query Users($filter: UserFilter, $first: Int, $after: String) {
    users(filter: $filter, first: $first, after: $after) {
      totalCount
      edges { cursor node { id displayName status } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;
const DELETE_USER = `mutation ($id: ID!) { deleteUser(id: $id) }`;

let admin: SignedIn;
beforeAll(async () => {
  admin = await asAdmin();
});

/** Inserts `count` profiles straight into the users database; many share a createdAt, so only the id orders them. */
async function insertProfiles(prefix: string, count: number): Promise<string[]> {
  const db = await domainDatabase('users');
  const ids: string[] = [];
  try {
    const rows: unknown[][] = [];
    const base = Date.UTC(2024, 0, 1);
    for (let index = 0; index < count; index++) {
      const id = randomUUID();
      ids.push(id);
      // Groups of 5 rows share one millisecond.
      rows.push([id, `${prefix} ${index}`, new Date(base + Math.floor(index / 5) * 1000).toISOString().replace('T', ' ').replace('Z', '')]);
    }
    await db.batch('INSERT INTO profiles (user_id, display_name, email_verified, created_at, updated_at) VALUES (?, ?, 0, ?, NOW(3))', rows);
  } finally {
    await db.end();
  }
  return ids;
}

async function allPages(filter: Record<string, unknown>, first: number) {
  const seen: string[] = [];
  let after: string | null = null;
  let totalCount = 0;
  for (let page = 0; page < 100; page++) {
    const result: GraphQLResult = await graphqlRequest(USERS, { token: admin.accessToken, variables: { filter, first, after } });
    if (!result.data) throw new Error(JSON.stringify(result.errors));
    const connection: { totalCount: number; edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } = result.data.users;
    totalCount = connection.totalCount;
    seen.push(...connection.edges.map((edge) => edge.node.id));
    if (!connection.pageInfo.hasNextPage) break;
    after = connection.pageInfo.endCursor;
  }
  return { seen, totalCount };
}

describe('admin user list', () => {
  it('pages through a few hundred users with no duplicates and no gaps, newest first', async () => {
    const prefix = `pager-${randomBytes(4).toString('hex')}`;
    const inserted = await insertProfiles(prefix, 300);
    const registered = await Promise.all([0, 1, 2].map((index) => registerCustomer(`${prefix}-${index}`)));
    await eventually(async () => (await allPages({ search: prefix }, 100)).totalCount === 303);

    const { seen, totalCount } = await allPages({ search: prefix }, 37);
    expect(totalCount).toBe(303);
    expect(seen).toHaveLength(303);
    expect(new Set(seen).size).toBe(303);
    expect(new Set(seen)).toEqual(new Set([...inserted, ...registered.map((user) => user.userId)]));
    // The registered users are the newest; the inserted ones follow by createdAt desc, then id desc.
    expect(new Set(seen.slice(0, 3))).toEqual(new Set(registered.map((user) => user.userId)));
    const expectedOrder = inserted
      .map((id, index) => ({ id, at: Math.floor(index / 5) }))
      .sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1))
      .map((row) => row.id);
    expect(seen.slice(3)).toEqual(expectedOrder);

    // Another page size walks the same list.
    expect((await allPages({ search: prefix }, 100)).seen).toEqual(seen);
  });

  it('searches by email (a read model of auth’s) and filters by creation date and status', async () => {
    const user = await registerCustomer('findme');
    const byEmail = await eventually(async () => {
      const result = await graphqlRequest(USERS, { token: admin.accessToken, variables: { filter: { search: user.email.toUpperCase() } } });
      return result.data?.users.totalCount === 1 ? result.data.users : null;
    });
    expect(byEmail!.edges[0].node).toEqual({ id: user.userId, displayName: 'Test findme', status: 'ACTIVE' });

    const prefix = `dated-${randomBytes(4).toString('hex')}`;
    await insertProfiles(prefix, 20); // 2024-01-01T00:00:00Z + 0..3 s
    const ranged = await graphqlRequest(USERS, {
      token: admin.accessToken,
      variables: { filter: { search: prefix, createdFrom: '2024-01-01T00:00:01.000Z', createdTo: '2024-01-01T00:00:02.000Z' }, first: 100 },
    });
    expect(ranged.data?.users.totalCount).toBe(10);
    const deleted = await graphqlRequest(USERS, { token: admin.accessToken, variables: { filter: { search: prefix, status: 'DELETED' } } });
    expect(deleted.data?.users.totalCount).toBe(0);
  });

  it.each([
    ['first over 100', { first: 101 }, 'first'],
    ['a negative first', { first: -1 }, 'first'],
    ['a forged cursor', { after: 'bm90LWEtY3Vyc29y' }, 'after'],
  ])('refuses %s with BAD_USER_INPUT', async (_case, variables, field) => {
    const result = await graphqlRequest(USERS, { token: admin.accessToken, variables });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors![0]!.extensions!.field).toBe(field);
  });

  it('refuses the list and user administration to customers with FORBIDDEN', async () => {
    const customer = await registerCustomer('not-admin');
    expect(errorCodes(await graphqlRequest(USERS, { token: customer.accessToken }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await graphqlRequest(DELETE_USER, { token: customer.accessToken, variables: { id: admin.userId } }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await graphqlRequest(USERS, {}))).toEqual(['UNAUTHENTICATED']);
  });
});

describe('deleting a user', () => {
  it('anonymises the profile, closes the account in auth and ends its sessions', async () => {
    const victim = await registerCustomer('deleted');
    const token = victim.accessToken;
    await graphqlRequest(`mutation { updateProfile(input: { phone: "+6281234567890", timezone: "Asia/Jakarta" }) { id } }`, { token });
    await graphqlRequest(`mutation { addAddress(input: { recipientName: "V", line1: "Jl. 1", city: "Bandung", postalCode: "40111", countryCode: "ID" }) { id } }`, { token });
    await graphqlRequest(`mutation { updatePreferences(input: { currency: "IDR" }) { currency } }`, { token });

    expect((await graphqlRequest(DELETE_USER, { token: admin.accessToken, variables: { id: victim.userId } })).data).toEqual({ deleteUser: true });

    const seen = await graphqlRequest(`query ($id: ID!) { user(id: $id) { displayName phone timezone status addresses { id } preferences { currency } } }`, {
      token: admin.accessToken,
      variables: { id: victim.userId },
    });
    expect(seen.data?.user).toEqual({ displayName: null, phone: null, timezone: null, status: 'DELETED', addresses: [], preferences: { currency: 'USD' } });

    // Auth consumes user.deleted: the token stops working and the password no longer signs in.
    const refused = await eventually(async () => errorCodes(await graphqlRequest(ME, { token })).includes('UNAUTHENTICATED'));
    expect(refused).toBe(true);
    const login = await callAs(victim.ip, LOGIN, { variables: { input: { email: victim.email, password: victim.password } } });
    expect(errorCodes(login)).toEqual(['UNAUTHENTICATED']);

    // Deleting again, or deleting oneself, is refused.
    expect(errorCodes(await graphqlRequest(DELETE_USER, { token: admin.accessToken, variables: { id: victim.userId } }))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await graphqlRequest(DELETE_USER, { token: admin.accessToken, variables: { id: admin.userId } }))).toEqual(['CONFLICT']);
  });
});
