import { rpcSubject } from '#kernel';
import { z } from 'zod';

/**
 * The request/reply contract between orders and users, over the kernel's RPC (core NATS,
 * `<EVENTS_PREFIX>.rpc.users.<action>`): when a customer places an order, orders asks for
 * a snapshot of the shipping address, which it gets only if the address is the customer's.
 */
export const addressSubjects = (prefix: string) => ({
  shippingAddress: rpcSubject(prefix, 'users', 'shipping-address'),
});

/** Asks for the address `addressId`, on behalf of the customer `userId`. */
export const ShippingAddressRequest = z.object({
  userId: z.string().length(36),
  addressId: z.string().min(1).max(36),
});
export type ShippingAddressRequest = z.infer<typeof ShippingAddressRequest>;

/** The address as it is at the moment of the order; orders keeps this copy. */
export interface AddressSnapshot {
  id: string;
  recipientName: string;
  line1: string;
  line2: string | null;
  city: string;
  region: string | null;
  postalCode: string;
  /** ISO 3166-1 alpha-2, upper case. */
  countryCode: string;
  /** E.164. */
  phone: string | null;
}

/** Expected refusals. NOT_FOUND covers both "no such address" and "someone else's", so ids cannot be probed. */
export type ShippingAddressFailureCode = 'NOT_FOUND' | 'BAD_REQUEST' | 'INTERNAL';

/** Every reply: `ok` with the snapshot, or a failure with a code. */
export type ShippingAddressReply =
  | { ok: true; address: AddressSnapshot }
  | { ok: false; error: { code: ShippingAddressFailureCode; message: string } };
