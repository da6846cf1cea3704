import { randomBytes, randomUUID } from 'node:crypto';
import { AckPolicy, connect, DeliverPolicy, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventStream, eventSubject, type EventEnvelope } from '#kernel';
import { domainDatabase, graphqlRequest, testEnvironment } from '../support/clients';
import { registerCustomer, type SignedIn } from '../support/accounts';
import { asAdmin, eventually } from '../support/admin';

const USERS_WITH_ROLE = /* GraphQL */ `
  query UsersWithRole($filter: UserFilter) {
    users(filter: $filter, first: 100) {
      totalCount
      edges { node { id } }
    }
  }
`;
const ASSIGN_ROLES = /* GraphQL */ `mutation AssignRoles($userId: ID!, $roles: [Role!]!) { assignRoles(userId: $userId, roles: $roles) { id roles } }`;

let admin: SignedIn;
let nats: NatsConnection;
beforeAll(async () => {
  admin = await asAdmin();
  nats = await connect({ servers: 'nats://127.0.0.1:4222' });
});
afterAll(() => nats?.drain());

/** Ids (and totalCount) of the users whose name or email contains `search` and who hold `role`. */
async function usersWithRole(search: string, role: string): Promise<{ ids: string[]; totalCount: number }> {
  const result = await graphqlRequest(USERS_WITH_ROLE, { token: admin.accessToken, variables: { filter: { search, role } } });
  if (!result.data) throw new Error(JSON.stringify(result.errors));
  return { ids: result.data.users.edges.map((edge: { node: { id: string } }) => edge.node.id).sort(), totalCount: result.data.users.totalCount };
}

/** Polls until the users with `role` matching `search` are exactly `expected`; returns what it last saw. */
async function eventuallyWithRole(search: string, role: string, expected: string[]) {
  const want = [...expected].sort();
  return eventually(async () => {
    const seen = await usersWithRole(search, role);
    return JSON.stringify(seen.ids) === JSON.stringify(want) && seen.totalCount === want.length ? seen : null;
  }).then(async (seen) => seen ?? usersWithRole(search, role));
}

async function assignRoles(userId: string, roles: string[]): Promise<void> {
  const result = await graphqlRequest(ASSIGN_ROLES, { token: admin.accessToken, variables: { userId, roles } });
  expect(result.data?.assignRoles).toEqual({ id: userId, roles: expect.arrayContaining(roles) });
}

/** Every `user.roles_changed` about `userId` on the auth stream of this run, oldest first. */
async function rolesChangedEvents(userId: string): Promise<EventEnvelope<{ userId: string; roles: string[] }>[]> {
  const stream = eventStream(testEnvironment().env.EVENTS_PREFIX!, 'auth');
  const jsm = await nats.jetstreamManager();
  const { name } = await jsm.consumers.add(stream.name, {
    ack_policy: AckPolicy.None,
    deliver_policy: DeliverPolicy.All,
    filter_subject: eventSubject(stream, 'user.roles_changed'),
    inactive_threshold: 5_000_000_000,
  });
  const consumer = await nats.jetstream().consumers.get(stream.name, name);
  const events: EventEnvelope<{ userId: string; roles: string[] }>[] = [];
  for await (const message of await consumer.fetch({ max_messages: 1000, expires: 1000 })) events.push(message.json());
  return events.filter((event) => event.data.userId === userId);
}

describe('admin user list by role (a read model of auth’s roles)', () => {
  it('lists a promoted user under STAFF and not the customers, and drops them on demotion', async () => {
    const label = `roles-${randomBytes(4).toString('hex')}`;
    const [promoted, customer] = await Promise.all([registerCustomer(`${label}-a`), registerCustomer(`${label}-b`)]);
    const both = [promoted!.userId, customer!.userId];
    // user.registered gives every new account CUSTOMER.
    expect((await eventuallyWithRole(label, 'CUSTOMER', both)).totalCount).toBe(2);
    expect(await usersWithRole(label, 'STAFF')).toEqual({ ids: [], totalCount: 0 });

    await assignRoles(promoted!.userId, ['STAFF']);
    expect(await eventuallyWithRole(label, 'STAFF', [promoted!.userId])).toEqual({ ids: [promoted!.userId], totalCount: 1 });
    expect(await usersWithRole(label, 'CUSTOMER')).toEqual({ ids: [customer!.userId], totalCount: 1 });

    await assignRoles(promoted!.userId, ['CUSTOMER']);
    expect(await eventuallyWithRole(label, 'STAFF', [])).toEqual({ ids: [], totalCount: 0 });
    expect((await usersWithRole(label, 'CUSTOMER')).ids).toEqual([...both].sort());
  });

  it('lists the bootstrap admin under ADMIN (roles_changed on email verification)', async () => {
    const { ids } = await eventuallyWithRole(admin.email, 'ADMIN', [admin.userId]);
    expect(ids).toEqual([admin.userId]);
  });

  it('keeps the newer role set when an older user.roles_changed arrives late', async () => {
    const label = `stale-${randomBytes(4).toString('hex')}`;
    const user = await registerCustomer(label);
    await eventuallyWithRole(label, 'CUSTOMER', [user.userId]);
    await assignRoles(user.userId, ['STAFF']);
    await eventuallyWithRole(label, 'STAFF', [user.userId]);
    await assignRoles(user.userId, ['CUSTOMER']);
    await eventuallyWithRole(label, 'STAFF', []);

    const promotion = (await rolesChangedEvents(user.userId)).find((event) => event.data.roles.includes('STAFF'));
    expect(promotion).toBeDefined();
    // The promotion again, as another event (new id and message id, so neither JetStream's
    // de-duplication nor processed_events drops it), with its original occurredAt.
    const stale = { ...promotion!, id: randomUUID() };
    const stream = eventStream(testEnvironment().env.EVENTS_PREFIX!, 'auth');
    await nats.jetstream().publish(eventSubject(stream, 'user.roles_changed'), JSON.stringify(stale), { msgID: `stale-${stale.id}` });

    const db = await domainDatabase('users');
    try {
      const handled = await eventually(async () => {
        const rows = await db.query('SELECT 1 FROM processed_events WHERE consumer = ? AND event_id = ?', ['users-on-user-roles-changed', stale.id]);
        return rows.length > 0;
      });
      expect(handled).toBe(true);
    } finally {
      await db.end();
    }
    expect(await usersWithRole(label, 'STAFF')).toEqual({ ids: [], totalCount: 0 });
    expect(await usersWithRole(label, 'CUSTOMER')).toEqual({ ids: [user.userId], totalCount: 1 });
  });
});
