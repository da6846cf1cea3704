import { AckPolicy, connect, DeliverPolicy, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventStream, eventSubject, type EventEnvelope } from '#kernel';
import { graphqlRequest, testEnvironment } from '../support/clients';
import { latestMail, registerCustomer, tokenFromLink } from '../support/accounts';

const ME_WITH_PROFILE = `{ me { id email roles displayName } }`;

let nats: NatsConnection;
beforeAll(async () => {
  nats = await connect({ servers: 'nats://127.0.0.1:4222' });
});
afterAll(() => nats?.drain());

/** Every event of `type` about `userId` on the auth stream of this run, read with an ephemeral consumer. */
async function authEvents(type: string, userId: string): Promise<EventEnvelope<{ userId: string }>[]> {
  const stream = eventStream(testEnvironment().env.EVENTS_PREFIX!, 'auth');
  const jsm = await nats.jetstreamManager();
  const { name } = await jsm.consumers.add(stream.name, {
    ack_policy: AckPolicy.None,
    deliver_policy: DeliverPolicy.All,
    filter_subject: eventSubject(stream, type),
    inactive_threshold: 5_000_000_000,
  });
  const consumer = await nats.jetstream().consumers.get(stream.name, name);
  const events: EventEnvelope<{ userId: string }>[] = [];
  const messages = await consumer.fetch({ max_messages: 1000, expires: 1000 });
  for await (const message of messages) events.push(message.json());
  return events.filter((event) => event.data.userId === userId);
}

/** Polls until `read` returns something truthy (events cross NATS asynchronously). */
async function eventually<T>(read: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('account events', () => {
  it('one User joins auth and users: the profile is created from user.registered', async () => {
    const user = await registerCustomer('joined');
    const me = await eventually(async () => {
      const result = await graphqlRequest(ME_WITH_PROFILE, { token: user.accessToken });
      return result.data?.me.displayName ? result.data.me : null;
    });
    expect(me).toEqual({ id: user.userId, email: user.email, roles: ['CUSTOMER'], displayName: 'Test joined' });
  });

  it('publishes user.registered and user.email_verified once each, after the commit', async () => {
    const user = await registerCustomer('announced');
    const token = tokenFromLink((await latestMail(user.email, /confirm/i)).text);
    await graphqlRequest(`mutation ($token: String!) { verifyEmail(token: $token) { id } }`, { variables: { token } });

    const registered = await eventually(async () => ((await authEvents('user.registered', user.userId)).length ? authEvents('user.registered', user.userId) : null));
    expect(registered).toHaveLength(1);
    expect(registered![0]).toMatchObject({ type: 'user.registered', data: { userId: user.userId, email: user.email, name: 'Test announced' } });
    expect(JSON.stringify(registered)).not.toMatch(/password/i);

    const verified = await eventually(async () => ((await authEvents('user.email_verified', user.userId)).length ? authEvents('user.email_verified', user.userId) : null));
    expect(verified).toHaveLength(1);
  });

  it('changes nothing when user.registered is delivered again: the profile keeps its first name', async () => {
    const user = await registerCustomer('redelivered');
    const [original] = (await eventually(async () => {
      const events = await authEvents('user.registered', user.userId);
      return events.length ? events : null;
    }))!;
    await eventually(async () => (await graphqlRequest(ME_WITH_PROFILE, { token: user.accessToken })).data?.me.displayName);

    // The same event id again, past JetStream's de-duplication (another message id), with other data.
    const stream = eventStream(testEnvironment().env.EVENTS_PREFIX!, 'auth');
    const replay = { ...original!, data: { ...original!.data, name: 'Overwritten' } };
    await nats.jetstream().publish(eventSubject(stream, 'user.registered'), JSON.stringify(replay), { msgID: `replay-${original!.id}` });

    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const me = await graphqlRequest(ME_WITH_PROFILE, { token: user.accessToken });
    expect(me.data?.me.displayName).toBe('Test redelivered');
  });
});
