import { registerRoleEnum } from '#kernel';
import { Role } from '../generated/prisma/enums';

export { Role };

// Auth owns roles; users declares the enum too for the admin list's role filter.
registerRoleEnum(Role);
