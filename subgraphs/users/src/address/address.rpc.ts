import type { RpcServer } from '#kernel';
import { addressSubjects, ShippingAddressRequest, type ShippingAddressReply } from './address.messages';
import type { AddressService } from './address.service';

/**
 * Answers the orders domain's "is this the customer's address, and what is it now?".
 * Service-to-service only: not in the public GraphQL schema.
 */
export function serveAddresses(rpc: RpcServer, prefix: string, addresses: AddressService): void {
  const subjects = addressSubjects(prefix);
  rpc.serve(subjects.shippingAddress, ShippingAddressRequest, async ({ userId, addressId }): Promise<ShippingAddressReply> => {
    const address = await addresses.snapshotOf(userId, addressId);
    return address ? { ok: true, address } : { ok: false, error: { code: 'NOT_FOUND', message: 'The customer has no such address.' } };
  });
}
