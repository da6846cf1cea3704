import { badUserInput, conflict, type EventOutbox } from '#kernel';
import { AccountEventType, type UserRolesChanged } from '../account/account.events';
import type { AuthContext } from '../context';
import type { PrismaClient } from '../generated/prisma/client';
import type { SessionService } from '../session/session.service';
import type { UserService } from '../user/user.service';
import { Role, type User } from '../user/user.type';

/** Who may do what: admins assign roles. */
export class RoleService {
  constructor(
    private readonly db: PrismaClient,
    private readonly users: UserService,
    private readonly sessions: SessionService,
    private readonly events: EventOutbox,
  ) {}

  /**
   * Replaces a user's roles. Their sessions end, because access tokens carry roles and a
   * demotion must not wait for tokens to expire. An admin cannot drop their own ADMIN role
   * (the shop would risk having no admin left). Records `user.roles_changed` with the new
   * set in the same transaction, so other domains' read models follow.
   */
  async assign(context: AuthContext, userId: string, roles: Role[]): Promise<User> {
    const wanted = [...new Set(roles)];
    if (!wanted.length) throw badUserInput('A user needs at least one role.', 'roles');
    if (userId === context.identity!.userId && !wanted.includes(Role.ADMIN)) throw conflict('You cannot remove your own ADMIN role.');
    await this.users.get(context, userId);
    await this.db.$transaction(async (tx) => {
      await tx.userRole.deleteMany({ where: { userId } });
      await tx.userRole.createMany({ data: wanted.map((role) => ({ userId, role })) });
      await this.events.record<UserRolesChanged>(tx, AccountEventType.rolesChanged, { userId, roles: wanted });
    });
    this.events.published();
    await this.sessions.revokeAllOf(userId, 'roles_changed');
    context.log.info({ userId, roles: wanted }, 'roles assigned');
    return (await this.users.findById(userId))!;
  }
}
