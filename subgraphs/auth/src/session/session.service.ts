import { badUserInput, notFound, unauthenticated, type Role } from '#kernel';
import type { AuthConfig } from '../auth-config';
import type { AuthContext } from '../context';
import type { PrismaClient } from '../generated/prisma/client';
import { signAccessToken } from '../token/access-token';
import { hashOpaqueToken, newOpaqueToken } from '../token/opaque-token';
import type { SigningKeys } from '../token/signing-keys';
import type { UserService } from '../user/user.service';
import type { AuthPayload } from '../account/account.type';
import type { SessionRevocation } from './session-revocation';
import { Session } from './session.type';

export type TransactionClient = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

/** Why a session ended; kept on the row for support and audits. */
export type RevokeReason = 'logout' | 'revoked_by_user' | 'reuse_detected' | 'password_reset' | 'password_changed' | 'roles_changed' | 'account_deleted';

/**
 * Sessions and their tokens. A session is a family of refresh tokens: each refresh
 * replaces the token, and presenting a replaced one again means it was stolen (or the
 * client is broken), so the whole family is revoked.
 */
export class SessionService {
  constructor(
    private readonly db: PrismaClient,
    private readonly users: UserService,
    private readonly keys: SigningKeys,
    private readonly revocation: SessionRevocation,
    private readonly config: Pick<AuthConfig, 'ACCESS_TOKEN_TTL_SECONDS' | 'REFRESH_TOKEN_TTL_SECONDS'>,
  ) {}

  /** Signs a user in: a new session with its first refresh token and an access token. */
  async start(context: AuthContext, userId: string): Promise<AuthPayload> {
    const refresh = newOpaqueToken();
    const session = await this.db.session.create({
      data: {
        userId,
        ipAddress: context.clientIp,
        expiresAt: new Date(Date.now() + this.config.REFRESH_TOKEN_TTL_SECONDS * 1000),
        refreshTokens: { create: { tokenHash: refresh.hash } },
      },
    });
    return this.payload(userId, session.id, refresh.token);
  }

  /** Exchanges a refresh token for new tokens, once; reuse revokes the session. */
  async refresh(_context: AuthContext, refreshToken: string): Promise<AuthPayload> {
    if (!refreshToken || refreshToken.length > 100) throw badUserInput('Refresh token is malformed.', 'refreshToken');
    const stored = await this.db.refreshToken.findUnique({ where: { tokenHash: hashOpaqueToken(refreshToken) }, include: { session: true } });
    if (!stored || stored.session.revokedAt || stored.session.expiresAt <= new Date()) {
      throw unauthenticated('This refresh token is not valid; sign in again.');
    }
    const next = newOpaqueToken();
    // Claiming the token and writing its successor commit together; of two concurrent
    // refreshes with one token, exactly one claims it and the other counts as reuse.
    const claimed = await this.db.$transaction(async (tx) => {
      const { count } = await tx.refreshToken.updateMany({ where: { id: stored.id, rotatedAt: null }, data: { rotatedAt: new Date() } });
      if (count !== 1) return false;
      await tx.refreshToken.create({ data: { sessionId: stored.sessionId, tokenHash: next.hash } });
      await tx.session.update({ where: { id: stored.sessionId }, data: { lastUsedAt: new Date() } });
      return true;
    });
    if (!claimed) {
      await this.revoke([stored.sessionId], 'reuse_detected');
      throw unauthenticated('This refresh token was already used, so the session has been ended for safety; sign in again.');
    }
    return this.payload(stored.session.userId, stored.sessionId, next.token);
  }

  /** Signs the caller out: their current session and all its tokens stop working everywhere. */
  async logout(context: AuthContext): Promise<void> {
    await this.revoke([context.identity!.sessionId], 'logout');
  }

  /** The caller's sessions that are still usable, newest first. */
  async listOwn(context: AuthContext): Promise<Session[]> {
    const identity = context.identity!;
    const rows = await this.db.session.findMany({
      where: { userId: identity.userId, revokedAt: null, expiresAt: { gt: new Date() } },
      orderBy: { createdAt: 'desc' },
    });
    return rows.map((row) =>
      Object.assign(new Session(), {
        id: row.id,
        ipAddress: row.ipAddress,
        createdAt: row.createdAt,
        lastUsedAt: row.lastUsedAt,
        expiresAt: row.expiresAt,
        current: row.id === identity.sessionId,
      }),
    );
  }

  /** Ends one of the caller's own sessions; another user's session is NOT_FOUND. */
  async revokeOwn(context: AuthContext, sessionId: string, reason: RevokeReason): Promise<void> {
    const session = await this.db.session.findUnique({ where: { id: sessionId } });
    if (!session || session.userId !== context.identity!.userId) throw notFound('Session', sessionId);
    await this.revoke([sessionId], reason);
  }

  /** Ends every open session of a user, except `keepSessionId` if given. */
  async revokeAllOf(userId: string, reason: RevokeReason, keepSessionId?: string, tx: TransactionClient = this.db as TransactionClient): Promise<void> {
    const open = await tx.session.findMany({
      where: { userId, revokedAt: null, ...(keepSessionId && { id: { not: keepSessionId } }) },
      select: { id: true },
    });
    await this.revoke(open.map((session) => session.id), reason, tx);
  }

  private async revoke(sessionIds: string[], reason: RevokeReason, tx: TransactionClient = this.db as TransactionClient): Promise<void> {
    if (!sessionIds.length) return;
    await tx.session.updateMany({ where: { id: { in: sessionIds }, revokedAt: null }, data: { revokedAt: new Date(), revokedReason: reason } });
    // The database says the session is over; Redis tells the gateways right away.
    await this.revocation.revokeSessions(sessionIds);
  }

  private async payload(userId: string, sessionId: string, refreshToken: string): Promise<AuthPayload> {
    const user = await this.users.findProvenBy(userId);
    if (!user) throw unauthenticated('This account no longer exists.');
    const access = signAccessToken(this.keys, { userId, roles: user.roles as Role[], sessionId }, this.config.ACCESS_TOKEN_TTL_SECONDS);
    return { accessToken: access.token, accessTokenExpiresAt: access.expiresAt, refreshToken, user };
  }
}
