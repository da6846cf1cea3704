import { errorCodes, graphqlRequest, testEnvironment } from './clients';
import { callAs, latestMail, login, randomIp, REGISTER, tokenFromLink, type SignedIn } from './accounts';

/** The bootstrap admin's password; auth.e2e.test.ts signs up the same account with it. */
export const ADMIN_PASSWORD = 'Admin-passphrase-1';

const VERIFY = `mutation ($token: String!) { verifyEmail(token: $token) { id } }`;

let admin: Promise<SignedIn & { roles: string[] }> | undefined;

/**
 * A signed-in ADMIN: the run's AUTH_ADMIN_EMAILS account, registered and verified by the
 * first spec that asks (CONFLICT means another spec file did: it signs in instead), then
 * reused within the file.
 */
export function asAdmin(): Promise<SignedIn & { roles: string[] }> {
  admin ??= signInAdmin().catch((error: unknown) => {
    admin = undefined;
    throw error;
  });
  return admin;
}

async function signInAdmin(): Promise<SignedIn & { roles: string[] }> {
  const email = testEnvironment().env.AUTH_ADMIN_EMAILS!;
  const ip = randomIp();
  const registered = await callAs(ip, REGISTER, { variables: { input: { email, password: ADMIN_PASSWORD, name: 'Admin' } } });
  if (!registered.data?.register && !errorCodes(registered).includes('CONFLICT')) {
    throw new Error(`admin registration failed: ${JSON.stringify(registered.errors)}`);
  }
  let session = await login({ email, password: ADMIN_PASSWORD, ip });
  if (!session.roles.includes('ADMIN')) {
    // Registered but not verified yet (only verification grants ADMIN to this address).
    await graphqlRequest(VERIFY, { variables: { token: tokenFromLink((await latestMail(email, /confirm your email/i)).text) } });
    session = await login({ email, password: ADMIN_PASSWORD, ip });
  }
  if (!session.roles.includes('ADMIN')) throw new Error(`${email} did not become ADMIN: ${session.roles.join(', ')}`);
  return session;
}

/** Polls until `read` returns something truthy (events cross NATS asynchronously); returns the last value. */
export async function eventually<T>(read: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
