import { badUserInput, conflict } from '#kernel';
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
  ) {}

  /**
   * Replaces a user's roles. Their sessions end, because access tokens carry roles and a
   * demotion must not wait for tokens to expire. An admin cannot drop their own ADMIN role
   * (the shop would risk having no admin left).
   */
  async assign(context: AuthContext, userId: string, roles: Role[]): Promise<User> {
    const wanted = [...new Set(roles)];
    if (!wanted.length) throw badUserInput('A user needs at least one role.', 'roles');
    if (userId === context.identity!.userId && !wanted.includes(Role.ADMIN)) throw conflict('You cannot remove your own ADMIN role.');
    await this.users.get(context, userId);
    await this.db.$transaction([
      this.db.userRole.deleteMany({ where: { userId } }),
      this.db.userRole.createMany({ data: wanted.map((role) => ({ userId, role })) }),
    ]);
    await this.sessions.revokeAllOf(userId, 'roles_changed');
    context.log.info({ userId, roles: wanted }, 'roles assigned');
    return (await this.users.findById(userId))!;
  }
}
