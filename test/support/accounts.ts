import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { createShopClient, LoginDocument, RegisterDocument, type ShopClient, type ShopClientOptions } from '../../client/src';
import { graphqlRequest, testEnvironment, type GraphQLResult, type RequestOptions } from './clients';

export const REGISTER = /* GraphQL */ `
  mutation Register($input: RegisterInput!) {
    register(input: $input) { accessToken refreshToken accessTokenExpiresAt user { id email roles emailVerified } }
  }
`;
export const LOGIN = /* GraphQL */ `
  mutation Login($input: LoginInput!) {
    login(input: $input) { accessToken refreshToken user { id roles } }
  }
`;
export const REFRESH = /* GraphQL */ `
  mutation Refresh($refreshToken: String!) { refreshToken(refreshToken: $refreshToken) { accessToken refreshToken } }
`;
export const ME = /* GraphQL */ `query Me { me { id email roles emailVerified } }`;

/** Tokens of a signed-in test user. */
export interface SignedIn {
  userId: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
  /** The client's address as the gateway sees it; each test user has its own so rate limits stay apart. */
  ip: string;
}

export const uniqueEmail = (label = 'user') => `${label}-${randomBytes(5).toString('hex')}@${testEnvironment().runId}.test`;
export const randomIp = () => `10.${randomBytes(1)[0]}.${randomBytes(1)[0]}.${1 + (randomBytes(1)[0]! % 250)}`;

/** Calls the gateway as a browser at `ip` would (the run's gateway trusts X-Forwarded-For). */
export function callAs<T = Record<string, any>>(ip: string, query: string, options: RequestOptions = {}): Promise<GraphQLResult<T>> {
  return graphqlRequest<T>(query, { ...options, headers: { 'x-forwarded-for': ip, ...options.headers } });
}

/**
 * The typed client (client/src) on the run's gateway, signed in as `user` when given,
 * calling from the user's own address (X-Forwarded-For) so rate limits stay apart.
 */
export function shopClient(user?: { accessToken: string; refreshToken: string | null; ip: string } | null, options: Partial<ShopClientOptions> = {}): ShopClient {
  return createShopClient({
    url: testEnvironment().gatewayUrl,
    webSocketImpl: WebSocket,
    tokens: user ? { accessToken: user.accessToken, refreshToken: user.refreshToken } : null,
    ...options,
    headers: { 'x-forwarded-for': user?.ip ?? randomIp(), ...options.headers },
  });
}

/** Registers a new customer through the gateway (with the typed client) and returns its tokens. */
export async function registerCustomer(label = 'customer'): Promise<SignedIn> {
  const email = uniqueEmail(label);
  const password = `Correct-${randomBytes(6).toString('hex')}`;
  const ip = randomIp();
  const { register } = await shopClient(null, { headers: { 'x-forwarded-for': ip } }).request(RegisterDocument, { input: { email, password, name: `Test ${label}` } });
  return { userId: register.user.id, email, password, accessToken: register.accessToken, refreshToken: register.refreshToken, ip };
}

/** Signs in again with the user's password (with the typed client). */
export async function login(user: Pick<SignedIn, 'email' | 'password' | 'ip'>): Promise<SignedIn & { roles: string[] }> {
  const { login: session } = await shopClient(null, { headers: { 'x-forwarded-for': user.ip } }).request(LoginDocument, { input: { email: user.email, password: user.password } });
  return { ...user, userId: session.user.id, roles: session.user.roles, accessToken: session.accessToken, refreshToken: session.refreshToken };
}

/** The newest email the auth subgraph wrote for `to` (mail goes to the run's MAIL_DIR in tests). */
export async function latestMail(to: string, subject: RegExp): Promise<{ subject: string; text: string }> {
  const directory = testEnvironment().env.MAIL_DIR!;
  for (let attempt = 0; attempt < 40; attempt++) {
    const mails = readdirSync(directory)
      .sort()
      .reverse()
      .map((file) => JSON.parse(readFileSync(join(directory, file), 'utf8')) as { to: { address: string }[]; subject: string; text: string })
      .filter((mail) => mail.to.some((recipient) => recipient.address === to) && subject.test(mail.subject));
    if (mails[0]) return mails[0];
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no email to ${to} matching ${subject}`);
}

/** Number of emails written for `to`. */
export function mailCount(to: string): number {
  const directory = testEnvironment().env.MAIL_DIR!;
  return readdirSync(directory).filter((file) => readFileSync(join(directory, file), 'utf8').includes(`"address":"${to}"`)).length;
}

/** The `token` query parameter of the first link in an email. */
export function tokenFromLink(text: string): string {
  const match = /\?token=([A-Za-z0-9_-]+)/.exec(text);
  if (!match) throw new Error(`no token link in: ${text}`);
  return match[1]!;
}
