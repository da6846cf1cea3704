import type { NatsConnection } from 'nats';
import { callRpc, rpcSubject, type RpcFailure } from '#kernel';
import type { ShippingAddress } from './order.type';

/** Asks the users domain for one of a user's addresses (request/reply over NATS). */
export class ShippingAddressClient {
  constructor(
    private readonly nats: NatsConnection,
    private readonly prefix: string,
    private readonly timeoutMs: number,
  ) {}

  /** The address `addressId` of `userId` as it is now, or null when it is not theirs (or does not exist). */
  async find(userId: string, addressId: string): Promise<ShippingAddress | null> {
    const reply = await callRpc<{ ok: true; address: ShippingAddress & { id: string } } | RpcFailure<'NOT_FOUND'>>(
      this.nats,
      rpcSubject(this.prefix, 'users', 'shipping-address'),
      { userId, addressId },
      { service: 'users', timeoutMs: this.timeoutMs },
    );
    if (reply.ok) {
      const { recipientName, line1, line2, city, region, postalCode, countryCode, phone } = reply.address;
      return { recipientName, line1, line2, city, region, postalCode, countryCode, phone };
    }
    if (reply.error.code === 'NOT_FOUND') return null;
    throw new Error(`users answered ${reply.error.code} to a shipping-address request: ${reply.error.message}`);
  }
}
