import { badUserInput, conflict, unauthenticated, type EventOutbox } from '#kernel';
import type { AuthConfig } from '../auth-config';
import type { AuthContext } from '../context';
import { OneTimeTokenPurpose, Role } from '../generated/prisma/enums';
import type { PrismaClient } from '../generated/prisma/client';
import { accountMails } from '../mail/account-mails';
import type { Mailer } from '../mail/mailer';
import type { PasswordHasher } from '../password/password-hasher';
import { assertAcceptablePassword, normaliseEmail, PASSWORD_MAX_LENGTH } from '../password/password-policy';
import type { SessionService, TransactionClient } from '../session/session.service';
import { hashOpaqueToken, newOpaqueToken } from '../token/opaque-token';
import type { User } from '../user/user.type';
import type { UserService } from '../user/user.service';
import type { AuthPayload, LoginInput, RegisterInput } from './account.type';
import { AccountEventType, type UserEmailVerified, type UserRegistered, type UserRolesChanged } from './account.events';
import type { AuthRateLimits } from './auth-rate-limits';

/** The same answer for an unknown email and a wrong password, so accounts cannot be probed. */
const BAD_CREDENTIALS = 'Email or password is incorrect.';

/**
 * Accounts and credentials: registration, sign-in, email verification and password
 * changes. Tokens and sessions are the SessionService's.
 */
export class AccountService {
  private readonly adminEmails: Set<string>;

  constructor(
    private readonly db: PrismaClient,
    private readonly users: UserService,
    private readonly sessions: SessionService,
    private readonly passwords: PasswordHasher,
    private readonly mailer: Mailer,
    private readonly limits: AuthRateLimits,
    private readonly events: EventOutbox,
    private readonly config: AuthConfig,
  ) {
    this.adminEmails = new Set(config.AUTH_ADMIN_EMAILS.split(',').map((email) => email.trim().toLowerCase()).filter(Boolean));
  }

  async register(context: AuthContext, input: RegisterInput): Promise<AuthPayload> {
    const email = normaliseEmail(input.email, 'input.email');
    const name = input.name.trim();
    if (!name || name.length > 100) throw badUserInput('Name must be 1 to 100 characters.', 'input.name');
    assertAcceptablePassword(input.password, email, 'input.password');
    await this.limits.registerPerIp.consume(ipOf(context));

    const passwordHash = await this.passwords.hash(input.password);
    const verification = newOpaqueToken();
    let userId: string;
    try {
      userId = await this.db.$transaction(async (tx) => {
        const user = await tx.user.create({ data: { email, passwordHash, roles: { create: { role: Role.CUSTOMER } } } });
        await tx.oneTimeToken.create({ data: this.oneTimeToken(user.id, OneTimeTokenPurpose.VERIFY_EMAIL, verification.hash) });
        await this.events.record<UserRegistered>(tx, AccountEventType.registered, { userId: user.id, email, name });
        return user.id;
      });
      this.events.published();
    } catch (error) {
      if ((error as { code?: string }).code === 'P2002') throw conflict('An account with this email address already exists.');
      throw error;
    }
    context.log.info({ userId }, 'account registered');
    await this.mailer.send(accountMails.verifyEmail(this.config.APP_URL, email, verification.token));
    return this.sessions.start(context, userId);
  }

  async login(context: AuthContext, input: LoginInput): Promise<AuthPayload> {
    const email = input.email.trim().toLowerCase();
    if (input.password.length > PASSWORD_MAX_LENGTH) throw unauthenticated(BAD_CREDENTIALS);
    await this.limits.loginPerIp.consume(ipOf(context));
    await this.limits.loginPerAccount.consume(email);

    const user = await this.db.user.findUnique({ where: { email } });
    const valid = user?.passwordHash && !user.disabledAt
      ? await this.passwords.verify(user.passwordHash, input.password)
      : await this.passwords.verifyNothing(input.password);
    if (!user || !valid) throw unauthenticated(BAD_CREDENTIALS);

    if (this.passwords.needsRehash(user.passwordHash!)) {
      await this.db.user.update({ where: { id: user.id }, data: { passwordHash: await this.passwords.hash(input.password) } });
    }
    await this.limits.loginPerAccount.reset(email);
    return this.sessions.start(context, user.id);
  }

  /** Confirms an email address with the emailed token; the bootstrap admin becomes ADMIN here. */
  async verifyEmail(context: AuthContext, token: string): Promise<User> {
    const userId = await this.consumeOneTimeToken(token, OneTimeTokenPurpose.VERIFY_EMAIL, async (tx, id) => {
      const user = await tx.user.update({ where: { id }, data: { emailVerifiedAt: new Date() } });
      if (this.adminEmails.has(user.email)) {
        await tx.userRole.upsert({ where: { userId_role: { userId: id, role: Role.ADMIN } }, create: { userId: id, role: Role.ADMIN }, update: {} });
        const roles = (await tx.userRole.findMany({ where: { userId: id }, orderBy: { role: 'asc' } })).map((row) => row.role);
        await this.events.record<UserRolesChanged>(tx, AccountEventType.rolesChanged, { userId: id, roles });
      }
      await this.events.record<UserEmailVerified>(tx, AccountEventType.emailVerified, { userId: id, email: user.email });
    });
    this.events.published();
    context.log.info({ userId }, 'email verified');
    return (await this.users.findProvenBy(userId))!;
  }

  /** Sends a fresh verification link to the signed-in user; earlier links stop working. */
  async resendVerification(context: AuthContext): Promise<boolean> {
    const user = await this.users.me(context);
    if (user.emailVerified) throw conflict('This email address is already verified.');
    await this.limits.verificationPerAccount.consume(user.id);
    const verification = newOpaqueToken();
    await this.db.$transaction([
      this.db.oneTimeToken.updateMany({ where: { userId: user.id, purpose: OneTimeTokenPurpose.VERIFY_EMAIL, usedAt: null }, data: { usedAt: new Date() } }),
      this.db.oneTimeToken.create({ data: this.oneTimeToken(user.id, OneTimeTokenPurpose.VERIFY_EMAIL, verification.hash) }),
    ]);
    await this.mailer.send(accountMails.verifyEmail(this.config.APP_URL, user.email, verification.token));
    return true;
  }

  /** Emails a reset link when the account exists; answers the same either way. */
  async requestPasswordReset(context: AuthContext, rawEmail: string): Promise<boolean> {
    const email = normaliseEmail(rawEmail, 'email');
    await this.limits.passwordResetPerIp.consume(ipOf(context));
    await this.limits.passwordResetPerAccount.consume(email);
    const user = await this.db.user.findUnique({ where: { email } });
    if (!user || user.disabledAt) return true;
    const reset = newOpaqueToken();
    await this.db.oneTimeToken.create({ data: this.oneTimeToken(user.id, OneTimeTokenPurpose.RESET_PASSWORD, reset.hash) });
    await this.mailer.send(accountMails.resetPassword(this.config.APP_URL, email, reset.token));
    return true;
  }

  /** Sets a new password with an emailed token and signs the user out everywhere. */
  async resetPassword(context: AuthContext, token: string, newPassword: string): Promise<boolean> {
    const record = await this.db.oneTimeToken.findUnique({ where: { tokenHash: hashOpaqueToken(token) }, include: { user: true } });
    if (record) assertAcceptablePassword(newPassword, record.user.email, 'newPassword');
    const passwordHash = await this.passwords.hash(newPassword);
    const userId = await this.consumeOneTimeToken(token, OneTimeTokenPurpose.RESET_PASSWORD, async (tx, id) => {
      await tx.user.update({ where: { id }, data: { passwordHash } });
      await tx.oneTimeToken.updateMany({ where: { userId: id, purpose: OneTimeTokenPurpose.RESET_PASSWORD, usedAt: null }, data: { usedAt: new Date() } });
    });
    await this.sessions.revokeAllOf(userId, 'password_reset');
    context.log.info({ userId }, 'password reset');
    return true;
  }

  /** Changes the signed-in user's password; their other sessions end. */
  async changePassword(context: AuthContext, currentPassword: string, newPassword: string): Promise<boolean> {
    const identity = context.identity!;
    const user = await this.db.user.findUnique({ where: { id: identity.userId } });
    if (!user?.passwordHash || !(await this.passwords.verify(user.passwordHash, currentPassword))) {
      throw badUserInput('Current password is incorrect.', 'currentPassword');
    }
    assertAcceptablePassword(newPassword, user.email, 'newPassword');
    await this.db.user.update({ where: { id: user.id }, data: { passwordHash: await this.passwords.hash(newPassword) } });
    await this.sessions.revokeAllOf(user.id, 'password_changed', identity.sessionId);
    return true;
  }

  /**
   * Closes the account of a user deleted in the users domain (its `user.deleted` event):
   * sign-in is refused from now on (`disabledAt`, no password), the email address is
   * replaced so it identifies nobody and can register again, unused emailed links stop
   * working, and every session ends at once (deny-listed for the gateways). Runs in the
   * consumer's transaction; a second delivery finds the account closed and changes nothing.
   */
  async closeAccount(tx: TransactionClient, userId: string): Promise<void> {
    const { count } = await tx.user.updateMany({
      where: { id: userId, disabledAt: null },
      data: { disabledAt: new Date(), email: `deleted-${userId}@invalid`, passwordHash: null },
    });
    if (count === 0) return;
    await tx.oneTimeToken.updateMany({ where: { userId, usedAt: null }, data: { usedAt: new Date() } });
    await this.sessions.revokeAllOf(userId, 'account_deleted', undefined, tx);
  }

  /**
   * Marks a valid, unused, unexpired token used and runs `apply` in the same transaction;
   * a second use, or an unknown or expired token, is BAD_USER_INPUT.
   */
  private async consumeOneTimeToken(
    token: string,
    purpose: OneTimeTokenPurpose,
    apply: (tx: Parameters<Parameters<PrismaClient['$transaction']>[0]>[0], userId: string) => Promise<void>,
  ): Promise<string> {
    const invalid = () => badUserInput('This link is invalid, was already used or has expired; ask for a new one.', 'token');
    if (!token || token.length > 100) throw invalid();
    const tokenHash = hashOpaqueToken(token);
    return this.db.$transaction(async (tx) => {
      const record = await tx.oneTimeToken.findUnique({ where: { tokenHash } });
      if (!record || record.purpose !== purpose) throw invalid();
      const { count } = await tx.oneTimeToken.updateMany({
        where: { id: record.id, usedAt: null, expiresAt: { gt: new Date() } },
        data: { usedAt: new Date() },
      });
      if (count !== 1) throw invalid();
      await apply(tx, record.userId);
      return record.userId;
    });
  }

  private oneTimeToken(userId: string, purpose: OneTimeTokenPurpose, tokenHash: string) {
    const ttl = purpose === OneTimeTokenPurpose.VERIFY_EMAIL ? this.config.EMAIL_VERIFICATION_TTL_SECONDS : this.config.PASSWORD_RESET_TTL_SECONDS;
    return { userId, purpose, tokenHash, expiresAt: new Date(Date.now() + ttl * 1000) };
  }
}

const ipOf = (context: AuthContext) => context.clientIp ?? 'unknown';
