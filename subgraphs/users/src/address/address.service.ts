import { canAccessOwnedBy, conflict, forbidden, notFound } from '#kernel';
import type { UsersContext } from '../context';
import type { Address as AddressRow, PrismaClient } from '../generated/prisma/client';
import { lockProfile, type UsersTransaction } from '../user/profile-lock';
import { validateAddress, type AddressDraft } from './address-validation';
import type { AddressSnapshot } from './address.messages';
import { Address, AddressKind, type AddressInput, type UpdateAddressInput } from './address.type';

/** Most addresses one user may keep. */
export const MAX_ADDRESSES_PER_USER = 20;

/**
 * A user's address book. Only the owner changes it; another user's address id is
 * NOT_FOUND, so ids cannot be probed. Every change locks the owner's profile row first,
 * so the limit and "at most one default of each kind" hold under concurrent requests.
 * A user's first address becomes their default shipping and billing address.
 */
export class AddressService {
  constructor(private readonly db: PrismaClient) {}

  /** Addresses of many users in one query (default shipping first, then oldest first); backs the DataLoader. */
  async findByUserIds(userIds: readonly string[]): Promise<Map<string, Address[]>> {
    const rows = await this.db.address.findMany({
      where: { userId: { in: [...userIds] } },
      orderBy: [{ isDefaultShipping: 'desc' }, { createdAt: 'asc' }, { id: 'asc' }],
    });
    const byUser = new Map<string, Address[]>();
    for (const row of rows) byUser.set(row.userId, [...(byUser.get(row.userId) ?? []), toAddress(row)]);
    return byUser;
  }

  /**
   * The address `id` as it is now, when it belongs to `userId`; otherwise (unknown, or
   * someone else's) undefined, the same either way so ids cannot be probed. Backs the
   * orders domain's shipping-address request, which has no GraphQL context.
   */
  async snapshotOf(userId: string, id: string): Promise<AddressSnapshot | undefined> {
    const row = await this.db.address.findFirst({ where: { id, userId } });
    if (!row) return undefined;
    const { recipientName, line1, line2, city, region, postalCode, countryCode, phone } = row;
    return { id: row.id, recipientName, line1, line2, city, region, postalCode, countryCode, phone };
  }

  /** `User.addresses`: FORBIDDEN to anyone but the user themselves and staff. */
  async listOf(context: UsersContext, userId: string): Promise<Address[]> {
    if (!canAccessOwnedBy(context, userId)) throw forbidden('Only the user themselves or staff may see these addresses.');
    return context.loaders.addresses.load(userId);
  }

  async add(context: UsersContext, input: AddressInput): Promise<Address> {
    const userId = context.identity!.userId;
    const fields = validateAddress(input);
    const row = await this.db.$transaction(async (tx) => {
      await lockProfile(tx, userId, { create: true });
      const count = await tx.address.count({ where: { userId } });
      if (count >= MAX_ADDRESSES_PER_USER) throw conflict(`You can keep at most ${MAX_ADDRESSES_PER_USER} addresses; delete one first.`);
      return tx.address.create({ data: { ...fields, userId, isDefaultShipping: count === 0, isDefaultBilling: count === 0 } });
    });
    context.loaders.addresses.clear(userId);
    return toAddress(row);
  }

  async update(context: UsersContext, id: string, input: UpdateAddressInput): Promise<Address> {
    const userId = context.identity!.userId;
    const row = await this.db.$transaction(async (tx) => {
      const existing = await this.ownAddress(tx, userId, id);
      const draft: AddressDraft = { ...existing };
      for (const [key, value] of Object.entries(input) as [keyof AddressDraft, string | null | undefined][]) {
        if (value !== undefined) draft[key] = value;
      }
      return tx.address.update({ where: { id }, data: validateAddress(draft) });
    });
    context.loaders.addresses.clear(userId);
    return toAddress(row);
  }

  /** Deletes an address; when it was a default, the oldest remaining address takes that role. */
  async delete(context: UsersContext, id: string): Promise<boolean> {
    const userId = context.identity!.userId;
    await this.db.$transaction(async (tx) => {
      const existing = await this.ownAddress(tx, userId, id);
      await tx.address.delete({ where: { id } });
      const successor = await tx.address.findFirst({ where: { userId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
      if (successor && (existing.isDefaultShipping || existing.isDefaultBilling)) {
        await tx.address.update({
          where: { id: successor.id },
          data: { ...(existing.isDefaultShipping && { isDefaultShipping: true }), ...(existing.isDefaultBilling && { isDefaultBilling: true }) },
        });
      }
    });
    context.loaders.addresses.clear(userId);
    return true;
  }

  /** Makes an address the default of `kind`; the previous default of that kind stops being one. */
  async setDefault(context: UsersContext, id: string, kind: AddressKind): Promise<Address> {
    const userId = context.identity!.userId;
    const flag = kind === AddressKind.SHIPPING ? 'isDefaultShipping' : 'isDefaultBilling';
    const row = await this.db.$transaction(async (tx) => {
      await this.ownAddress(tx, userId, id);
      await tx.address.updateMany({ where: { userId, [flag]: true, id: { not: id } }, data: { [flag]: false } });
      return tx.address.update({ where: { id }, data: { [flag]: true } });
    });
    context.loaders.addresses.clear(userId);
    return toAddress(row);
  }

  /** Locks the owner's profile and returns their address `id`; NOT_FOUND when it is not theirs. */
  private async ownAddress(tx: UsersTransaction, userId: string, id: string): Promise<AddressRow> {
    await lockProfile(tx, userId, { create: true });
    const address = await tx.address.findUnique({ where: { id } });
    if (!address || address.userId !== userId) throw notFound('Address', id);
    return address;
  }
}

function toAddress(row: AddressRow): Address {
  return Object.assign(new Address(), {
    id: row.id,
    recipientName: row.recipientName,
    line1: row.line1,
    line2: row.line2,
    city: row.city,
    region: row.region,
    postalCode: row.postalCode,
    countryCode: row.countryCode,
    phone: row.phone,
    isDefaultShipping: row.isDefaultShipping,
    isDefaultBilling: row.isDefaultBilling,
  });
}
