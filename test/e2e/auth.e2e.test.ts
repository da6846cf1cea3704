import { describe, expect, it } from 'vitest';
import { errorCodes, graphqlRequest, testEnvironment } from '../support/clients';
import {
  callAs,
  latestMail,
  login,
  LOGIN,
  mailCount,
  ME,
  randomIp,
  REFRESH,
  REGISTER,
  registerCustomer,
  tokenFromLink,
  uniqueEmail,
} from '../support/accounts';

const VERIFY = `mutation ($token: String!) { verifyEmail(token: $token) { id emailVerified } }`;
const LOGOUT = `mutation { logout }`;

/** One query per subgraph that needs a signed-in caller. */
const SIGNED_IN_QUERIES = {
  auth: `{ me { id } }`,
  users: `query ($id: ID!) { user(id: $id) { id } }`,
  orders: `query ($id: ID!) { order(id: $id) { id } }`,
  payments: `query ($id: ID!) { payment(id: $id) { id } }`,
};

describe('an account’s whole life through the gateway', () => {
  it('registers, verifies its email, signs in, refreshes, detects refresh reuse and signs out', async () => {
    const user = await registerCustomer('lifecycle');

    // The verification link arrives by email; following it marks the address verified.
    const mail = await latestMail(user.email, /confirm your email/i);
    const verified = await graphqlRequest(VERIFY, { variables: { token: tokenFromLink(mail.text) } });
    expect(verified.data?.verifyEmail).toEqual({ id: user.userId, emailVerified: true });
    const replayed = await graphqlRequest(VERIFY, { variables: { token: tokenFromLink(mail.text) } });
    expect(errorCodes(replayed)).toEqual(['BAD_USER_INPUT']);

    const session = await login(user);
    const me = await graphqlRequest(ME, { token: session.accessToken });
    expect(me.data?.me).toEqual({ id: user.userId, email: user.email, roles: ['CUSTOMER'], emailVerified: true });

    // Rotation: each refresh token works once and yields a new pair.
    const first = await callAs(user.ip, REFRESH, { variables: { refreshToken: session.refreshToken } });
    const rotated = first.data?.refreshToken;
    expect(rotated.refreshToken).not.toBe(session.refreshToken);
    expect((await graphqlRequest(ME, { token: rotated.accessToken })).data?.me.id).toBe(user.userId);

    // Presenting the old token again is theft or a bug: the whole family is revoked.
    const reuse = await callAs(user.ip, REFRESH, { variables: { refreshToken: session.refreshToken } });
    expect(errorCodes(reuse)).toEqual(['UNAUTHENTICATED']);
    const afterReuse = await callAs(user.ip, REFRESH, { variables: { refreshToken: rotated.refreshToken } });
    expect(errorCodes(afterReuse)).toEqual(['UNAUTHENTICATED']);
    expect(errorCodes(await graphqlRequest(ME, { token: rotated.accessToken }))).toEqual(['UNAUTHENTICATED']);

    // A fresh session, then logout: its access token is refused by every subgraph at once.
    const again = await login(user);
    expect((await graphqlRequest(LOGOUT, { token: again.accessToken })).data).toEqual({ logout: true });
    for (const [subgraph, query] of Object.entries(SIGNED_IN_QUERIES)) {
      const result = await graphqlRequest(query, { token: again.accessToken, variables: { id: user.userId } });
      expect(errorCodes(result), `${subgraph} after logout`).toEqual(['UNAUTHENTICATED']);
    }
    expect(errorCodes(await callAs(user.ip, REFRESH, { variables: { refreshToken: again.refreshToken } }))).toEqual(['UNAUTHENTICATED']);
  });

  it('lets exactly one of two concurrent refreshes with the same token win', async () => {
    const user = await registerCustomer('race');
    const [a, b] = await Promise.all([
      callAs(user.ip, REFRESH, { variables: { refreshToken: user.refreshToken } }),
      callAs(user.ip, REFRESH, { variables: { refreshToken: user.refreshToken } }),
    ]);
    expect([a, b].filter((result) => result.data?.refreshToken).length).toBe(1);
    expect([...errorCodes(a), ...errorCodes(b)]).toEqual(['UNAUTHENTICATED']);
  });
});

describe('registration refuses bad input and leaves nothing behind', () => {
  const register = (input: Record<string, string>) => callAs(randomIp(), REGISTER, { variables: { input } });

  it.each([
    ['a malformed email', { email: 'not-an-email', password: 'Long-enough-pass', name: 'A' }, 'input.email'],
    ['a password under 10 characters', { email: 'EMAIL', password: 'Abc12345!', name: 'A' }, 'input.password'],
    ['a common password', { email: 'EMAIL', password: 'password123', name: 'A' }, 'input.password'],
    ['an empty name', { email: 'EMAIL', password: 'Long-enough-pass', name: '   ' }, 'input.name'],
  ])('refuses %s with BAD_USER_INPUT naming the field', async (_case, input, field) => {
    const email = input.email === 'EMAIL' ? uniqueEmail('invalid') : input.email;
    const result = await register({ ...input, email });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0]?.extensions?.field).toBe(field);
    if (email.includes('@')) {
      const login = await callAs(randomIp(), LOGIN, { variables: { input: { email, password: input.password } } });
      expect(errorCodes(login), 'no account was created').toEqual(['UNAUTHENTICATED']);
    }
  });

  it('gives one account per email, case and spaces aside, even under concurrent registration', async () => {
    const email = uniqueEmail('twice');
    const results = await Promise.all(
      [email, ` ${email.toUpperCase()} `, email].map((address) => register({ email: address, password: 'Long-enough-pass', name: 'Twice' })),
    );
    expect(results.filter((result) => result.data?.register).length).toBe(1);
    expect(results.flatMap(errorCodes).sort()).toEqual(['CONFLICT', 'CONFLICT']);
  });
});

describe('signing in', () => {
  it('says the same thing for a wrong password and an unknown email', async () => {
    const user = await registerCustomer('probe');
    const wrongPassword = await callAs(user.ip, LOGIN, { variables: { input: { email: user.email, password: 'Wrong-password-1' } } });
    const unknownEmail = await callAs(user.ip, LOGIN, { variables: { input: { email: uniqueEmail('nobody'), password: 'Wrong-password-1' } } });
    expect(wrongPassword.errors).toEqual(unknownEmail.errors);
    expect(errorCodes(wrongPassword)).toEqual(['UNAUTHENTICATED']);
    expect(wrongPassword.data).toEqual(unknownEmail.data);
  });

  it('throttles guessing on one account with TOO_MANY_REQUESTS, then lets the owner back in', async () => {
    const user = await registerCustomer('throttled');
    const limit = Number(testEnvironment().env.LOGIN_ATTEMPTS_PER_ACCOUNT);
    const guess = (ip: string) => callAs(ip, LOGIN, { variables: { input: { email: user.email, password: 'Guessing-wrong-1' } } });
    for (let attempt = 0; attempt < limit; attempt++) expect(errorCodes(await guess(randomIp()))).toEqual(['UNAUTHENTICATED']);

    // From a new address too: the limit is per account, so rotating IPs does not help.
    const blocked = await guess(randomIp());
    expect(errorCodes(blocked)).toEqual(['TOO_MANY_REQUESTS']);
    const retryAfter = blocked.errors![0]!.extensions!.retryAfter as number;
    expect(retryAfter).toBeGreaterThan(0);
    expect(errorCodes(await callAs(user.ip, LOGIN, { variables: { input: { email: user.email, password: user.password } } }))).toEqual([
      'TOO_MANY_REQUESTS',
    ]);

    await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000 + 200));
    expect((await login(user)).userId).toBe(user.userId);
  });
});

describe('password reset', () => {
  const REQUEST = `mutation ($email: String!) { requestPasswordReset(email: $email) }`;
  const RESET = `mutation ($token: String!, $password: String!) { resetPassword(token: $token, newPassword: $password) }`;

  it('resets with the emailed token once, and signs the user out everywhere', async () => {
    const user = await registerCustomer('forgetful');
    expect((await callAs(user.ip, REQUEST, { variables: { email: user.email } })).data).toEqual({ requestPasswordReset: true });
    const token = tokenFromLink((await latestMail(user.email, /reset your password/i)).text);

    const weak = await graphqlRequest(RESET, { variables: { token, password: 'password123' } });
    expect(errorCodes(weak)).toEqual(['BAD_USER_INPUT']);
    const newPassword = 'A-brand-new-passphrase';
    expect((await graphqlRequest(RESET, { variables: { token, password: newPassword } })).data).toEqual({ resetPassword: true });
    expect(errorCodes(await graphqlRequest(RESET, { variables: { token, password: 'Yet-another-passphrase' } }))).toEqual(['BAD_USER_INPUT']);

    expect(errorCodes(await graphqlRequest(ME, { token: user.accessToken }))).toEqual(['UNAUTHENTICATED']);
    expect(errorCodes(await callAs(user.ip, LOGIN, { variables: { input: { email: user.email, password: user.password } } }))).toEqual([
      'UNAUTHENTICATED',
    ]);
    expect((await login({ ...user, password: newPassword })).userId).toBe(user.userId);
  });

  it('answers true for an unknown email and sends nothing', async () => {
    const email = uniqueEmail('ghost');
    expect((await callAs(randomIp(), REQUEST, { variables: { email } })).data).toEqual({ requestPasswordReset: true });
    expect(mailCount(email)).toBe(0);
  });
});

describe('sessions', () => {
  it('lists the user’s own sessions and revokes one of them; another user’s session is NOT_FOUND', async () => {
    const user = await registerCustomer('devices');
    const phone = await login(user);
    const listed = await graphqlRequest(`{ sessions { id current ipAddress } }`, { token: phone.accessToken });
    expect(listed.data?.sessions).toHaveLength(2);
    const [current, other] = [listed.data!.sessions.find((s: any) => s.current), listed.data!.sessions.find((s: any) => !s.current)];
    expect(current.ipAddress).toBe(user.ip);

    const stranger = await registerCustomer('stranger');
    const REVOKE = `mutation ($id: ID!) { revokeSession(id: $id) }`;
    expect(errorCodes(await graphqlRequest(REVOKE, { token: stranger.accessToken, variables: { id: other.id } }))).toEqual(['NOT_FOUND']);

    expect((await graphqlRequest(REVOKE, { token: phone.accessToken, variables: { id: other.id } })).data).toEqual({ revokeSession: true });
    expect(errorCodes(await graphqlRequest(ME, { token: user.accessToken }))).toEqual(['UNAUTHENTICATED']);
    expect((await graphqlRequest(ME, { token: phone.accessToken })).data?.me.id).toBe(user.userId);
  });
});

describe('roles', () => {
  const ASSIGN = `mutation ($id: ID!, $roles: [Role!]!) { assignRoles(userId: $id, roles: $roles) { id roles } }`;

  it('refuses an admin operation to a customer with FORBIDDEN', async () => {
    const customer = await registerCustomer('ambitious');
    const result = await graphqlRequest(ASSIGN, { token: customer.accessToken, variables: { id: customer.userId, roles: ['ADMIN'] } });
    expect(errorCodes(result)).toEqual(['FORBIDDEN']);
    expect((await graphqlRequest(ME, { token: customer.accessToken })).data?.me.roles).toEqual(['CUSTOMER']);
  });

  it('makes the configured address an admin once verified, who can then promote staff', async () => {
    const adminEmail = testEnvironment().env.AUTH_ADMIN_EMAILS!;
    const admin = await (async () => {
      const ip = randomIp();
      const password = 'Admin-passphrase-1';
      await callAs(ip, REGISTER, { variables: { input: { email: adminEmail, password, name: 'Admin' } } });
      const token = tokenFromLink((await latestMail(adminEmail, /confirm your email/i)).text);
      await graphqlRequest(VERIFY, { variables: { token } });
      return login({ email: adminEmail, password, ip });
    })();
    expect(admin.roles).toEqual(['CUSTOMER', 'ADMIN']);

    const clerk = await registerCustomer('clerk');
    const promoted = await graphqlRequest(ASSIGN, { token: admin.accessToken, variables: { id: clerk.userId, roles: ['CUSTOMER', 'STAFF'] } });
    expect(promoted.data?.assignRoles).toEqual({ id: clerk.userId, roles: ['CUSTOMER', 'STAFF'] });
    // Tokens carry roles, so the clerk signs in again to act as staff.
    expect(errorCodes(await graphqlRequest(ME, { token: clerk.accessToken }))).toEqual(['UNAUTHENTICATED']);
    expect((await login(clerk)).roles).toEqual(['CUSTOMER', 'STAFF']);

    // An admin cannot lock the shop out of administration by demoting themselves.
    expect(errorCodes(await graphqlRequest(ASSIGN, { token: admin.accessToken, variables: { id: admin.userId, roles: ['CUSTOMER'] } }))).toEqual([
      'CONFLICT',
    ]);
  });
});
