import type { GraphQLSchema } from 'graphql';
import { buildFederatedSchema, resolverContainer, type EventOutbox, type SubgraphDeps } from '#kernel';
import { AccountResolver } from './account/account.resolver';
import { AccountService } from './account/account.service';
import { createAuthRateLimits } from './account/auth-rate-limits';
import type { AuthConfig } from './auth-config';
import type { PrismaClient } from './generated/prisma/client';
import { Mailer } from './mail/mailer';
import { PasswordHasher } from './password/password-hasher';
import { RoleResolver } from './role/role.resolver';
import { RoleService } from './role/role.service';
import { SessionRevocation } from './session/session-revocation';
import { SessionResolver } from './session/session.resolver';
import { SessionService } from './session/session.service';
import type { SigningKeys } from './token/signing-keys';
import { userReference } from './user/user.reference';
import { UserResolver } from './user/user.resolver';
import { UserService } from './user/user.service';

/** The auth subgraph's services, built once per process. */
export interface AuthServices {
  users: UserService;
  sessions: SessionService;
  accounts: AccountService;
  roles: RoleService;
}

export function createServices(
  { db, redis, log }: SubgraphDeps<PrismaClient>,
  config: AuthConfig,
  keys: SigningKeys,
  events: EventOutbox,
): AuthServices {
  const users = new UserService(db);
  const sessions = new SessionService(db, users, keys, new SessionRevocation(redis, config.ACCESS_TOKEN_TTL_SECONDS), config);
  const mailer = new Mailer({ from: config.MAIL_FROM, smtpUrl: config.SMTP_URL, directory: config.MAIL_DIR, log });
  const accounts = new AccountService(db, users, sessions, new PasswordHasher(), mailer, createAuthRateLimits(redis, config), events, config);
  return { users, sessions, accounts, roles: new RoleService(db, users, sessions, events) };
}

export function buildSchema(services: AuthServices): Promise<GraphQLSchema> {
  return buildFederatedSchema({
    resolvers: [UserResolver, AccountResolver, SessionResolver, RoleResolver],
    container: resolverContainer([
      new UserResolver(services.users),
      new AccountResolver(services.accounts),
      new SessionResolver(services.sessions),
      new RoleResolver(services.roles),
    ]),
    referenceResolvers: { User: userReference(services.users) },
  });
}
