import { createHash } from 'node:crypto';
import { badUserInput, conflict, CodedError, ErrorCode, isEntityId, type EventOutbox, type Logger } from '#kernel';
import type { OrdersContext } from '../context';
import type { PrismaClient } from '../generated/prisma/client';
import { OrderActorKind, OrderStatus } from '../generated/prisma/enums';
import type { OrdersConfig } from '../orders-config';
import { OrderEventType, type OrderPlaced } from './order.events';
import { ORDER_LIMITS, type PlaceOrderInput } from './order.input';
import { toOrder, WITH_LINES } from './order-rows';
import type { Order } from './order.type';
import type { ShippingAddressClient } from './shipping-address.client';
import type { ReserveFailure, StockClient, StockReservation } from './stock.client';

/** How much longer than the payment window products holds the stock, so the order's own timeout releases it first. */
const RESERVATION_GRACE_SECONDS = 300;

interface CartLine {
  productId: string;
  quantity: number;
  /** Index of the product's first line in the input, for error paths. */
  index: number;
}

/**
 * Places orders. The order is priced from the stock hold, which products makes and
 * prices in one transaction, so the snapshot is exactly what was reserved. Steps: check
 * the input; return the order the idempotency key already placed; check the address with
 * users; reserve with products (keyed by the caller and the idempotency key, so a retry
 * reuses the hold); write order, lines, first history row and `order.placed` in one
 * transaction. If that write fails, the hold is released.
 */
export class OrderPlacementService {
  constructor(
    private readonly db: PrismaClient,
    private readonly stock: StockClient,
    private readonly addresses: ShippingAddressClient,
    private readonly events: EventOutbox,
    private readonly config: OrdersConfig,
    private readonly log: Logger,
  ) {}

  async place(context: OrdersContext, input: PlaceOrderInput): Promise<Order> {
    const userId = context.identity!.userId;
    const cart = checkedCart(input);
    const idempotencyKey = checkedKey(input.idempotencyKey);
    const shippingAddressId = input.shippingAddressId.trim();
    // The same cart in another line order is the same request.
    const normalized = cart.map(({ productId, quantity }) => [productId, quantity]).sort(([a], [b]) => String(a).localeCompare(String(b)));
    const requestHash = createHash('sha256').update(JSON.stringify({ cart: normalized, shippingAddressId })).digest('hex');

    const placed = await this.findPlaced(userId, idempotencyKey, requestHash);
    if (placed) return placed;

    const address = await this.addresses.find(userId, shippingAddressId);
    if (!address) {
      throw new CodedError(ErrorCode.NOT_FOUND, `Address ${shippingAddressId} is not one of your addresses.`, { id: shippingAddressId, field: 'input.shippingAddressId' });
    }

    const reply = await this.stock.reserve({
      idempotencyKey: `order:${userId}:${idempotencyKey}`,
      lines: cart.map(({ productId, quantity }) => ({ productId, quantity })),
      ttlSeconds: this.config.ORDER_PAYMENT_WINDOW_SECONDS + RESERVATION_GRACE_SECONDS,
    });
    if (!reply.ok) throw refusal(reply, cart);
    const reservation = reply.reservation;
    if (reservation.status !== 'ACTIVE') {
      // A concurrent request with this key may have placed the order (and it may be paid already).
      const placedMeanwhile = await this.findPlaced(userId, idempotencyKey, requestHash);
      if (placedMeanwhile) return placedMeanwhile;
      throw conflict('This idempotency key belongs to a checkout that could not be completed; start a new one with a new key.');
    }

    let priced: PricedCart;
    try {
      priced = priceCart(cart, reservation);
    } catch (error) {
      // Pricing fails the same way every time: the hold is of no use to any request.
      await this.release(reservation.id);
      throw error;
    }
    try {
      const order = await this.write({ userId, idempotencyKey, requestHash, priced, address, reservationId: reservation.id });
      this.events.published();
      context.log.info({ orderId: order.id, lines: order.lines.length, total: order.total.amount }, 'order placed');
      return order;
    } catch (error) {
      // The same key won a race in another request (P2002), or our commit went through and
      // only its answer was lost: that order is the answer, holding this same reservation.
      const placed = await this.findPlaced(userId, idempotencyKey, requestHash);
      if (placed) return placed;
      // Not released: a concurrent request with this key may be about to commit an order on
      // it. It expires after the payment window, and a retry with the same key reuses it.
      throw error;
    }
  }

  private async release(reservationId: string): Promise<void> {
    await this.stock.release(reservationId).catch((error: unknown) =>
      this.log.warn({ err: error, reservationId }, 'could not release an unused stock hold; it expires by itself'),
    );
  }

  /** The order already placed with this key, or null; CONFLICT when the key was used for a different cart or address. */
  private async findPlaced(userId: string, idempotencyKey: string, requestHash: string): Promise<Order | null> {
    const row = await this.db.order.findUnique({ where: { userId_idempotencyKey: { userId, idempotencyKey } }, include: WITH_LINES });
    if (!row) return null;
    if (row.requestHash !== requestHash) throw keyReused();
    return toOrder(row);
  }

  private async write(placement: {
    userId: string;
    idempotencyKey: string;
    requestHash: string;
    priced: PricedCart;
    address: object;
    reservationId: string;
  }): Promise<Order> {
    const { userId, idempotencyKey, requestHash, address, reservationId } = placement;
    const { lines: priced, currency, totalAmount } = placement.priced;
    const placedAt = new Date();
    const paymentDueAt = new Date(placedAt.getTime() + this.config.ORDER_PAYMENT_WINDOW_SECONDS * 1000);

    const row = await this.db.$transaction(async (tx) => {
      const created = await tx.order.create({
        data: {
          userId,
          idempotencyKey,
          requestHash,
          status: OrderStatus.PENDING_PAYMENT,
          totalAmount,
          currency,
          reservationId,
          shippingAddress: address,
          paymentDueAt,
          createdAt: placedAt,
          lines: {
            create: priced.map((line, position) => ({
              position,
              productId: line.productId,
              productName: line.productName,
              unitPriceAmount: line.unitPriceAmount,
              quantity: line.quantity,
            })),
          },
          history: { create: { fromStatus: null, toStatus: OrderStatus.PENDING_PAYMENT, actorKind: OrderActorKind.CUSTOMER, actorUserId: userId, createdAt: placedAt } },
        },
        include: WITH_LINES,
      });
      await this.events.record<OrderPlaced>(tx, OrderEventType.placed, {
        orderId: created.id,
        userId,
        status: 'PENDING_PAYMENT',
        total: { amount: totalAmount.toString(), currency },
        lines: created.lines.map((line) => ({
          productId: line.productId,
          productName: line.productName,
          unitPriceAmount: line.unitPriceAmount.toString(),
          quantity: line.quantity,
        })),
        reservationId,
        paymentDueAt: paymentDueAt.toISOString(),
        placedAt: placedAt.toISOString(),
      });
      return created;
    });
    return toOrder(row);
  }
}

interface PricedCart {
  lines: (CartLine & { productName: string; unitPriceAmount: bigint })[];
  currency: string;
  totalAmount: bigint;
}

/** The cart priced from the hold's snapshot; the hold must be exactly the cart. */
function priceCart(cart: CartLine[], reservation: StockReservation): PricedCart {
  const lines = cart.map((line) => {
    const reserved = reservation.lines.find((candidate) => candidate.productId === line.productId);
    if (!reserved || reserved.quantity !== line.quantity) throw new Error(`reservation ${reservation.id} does not match the cart`);
    return { ...line, productName: reserved.productName, unitPriceAmount: BigInt(reserved.unitPriceAmount) };
  });
  const totalAmount = lines.reduce((sum, line) => sum + line.unitPriceAmount * BigInt(line.quantity), 0n);
  if (totalAmount > BigInt(Number.MAX_SAFE_INTEGER)) throw badUserInput('The order total is too large.', 'input.lines');
  return { lines, currency: reservation.lines[0]!.currency, totalAmount };
}

/** The cart with repeated products added up (first occurrence keeps its place), or BAD_USER_INPUT naming the line. */
function checkedCart(input: PlaceOrderInput): CartLine[] {
  if (input.lines.length === 0) throw badUserInput('The cart is empty: add at least one line.', 'input.lines');
  if (input.lines.length > ORDER_LIMITS.maxLines) throw badUserInput(`An order has at most ${ORDER_LIMITS.maxLines} lines.`, 'input.lines');
  const merged = new Map<string, CartLine>();
  input.lines.forEach((line, index) => {
    const productId = line.productId.trim();
    if (!isEntityId(productId)) throw badUserInput(`Product ${JSON.stringify(line.productId)} does not exist.`, `input.lines.${index}.productId`);
    if (!Number.isInteger(line.quantity) || line.quantity < 1 || line.quantity > ORDER_LIMITS.maxQuantity) {
      throw badUserInput(`quantity must be between 1 and ${ORDER_LIMITS.maxQuantity}.`, `input.lines.${index}.quantity`);
    }
    const existing = merged.get(productId);
    if (existing) existing.quantity += line.quantity;
    else merged.set(productId, { productId, quantity: line.quantity, index });
  });
  for (const line of merged.values()) {
    if (line.quantity > ORDER_LIMITS.maxQuantity) {
      throw badUserInput(`At most ${ORDER_LIMITS.maxQuantity} units of one product per order.`, `input.lines.${line.index}.quantity`);
    }
  }
  return [...merged.values()];
}

function checkedKey(key: string): string {
  const trimmed = key.trim();
  if (trimmed.length < 1 || trimmed.length > ORDER_LIMITS.maxKeyLength) {
    throw badUserInput(`idempotencyKey must be 1 to ${ORDER_LIMITS.maxKeyLength} characters.`, 'input.idempotencyKey');
  }
  return trimmed;
}

const keyReused = () => conflict('This idempotency key was already used for a different order; use a new key for a new checkout.');

/** The client's error for a refused reservation. */
function refusal(reply: ReserveFailure, cart: CartLine[]): Error {
  const productIds = reply.error.productIds ?? [];
  const field = (productId: string | undefined) => {
    const line = cart.find((candidate) => candidate.productId === productId);
    return line ? `input.lines.${line.index}.productId` : 'input.lines';
  };
  switch (reply.error.code) {
    case 'OUT_OF_STOCK':
      return new CodedError(ErrorCode.CONFLICT, 'Not enough stock for every line; nothing was ordered.', { reason: 'OUT_OF_STOCK', productIds });
    case 'NOT_FOUND':
      return new CodedError(ErrorCode.BAD_USER_INPUT, `Product ${productIds.join(', ')} does not exist.`, { field: field(productIds[0]), productIds });
    case 'NOT_FOR_SALE':
      return new CodedError(ErrorCode.BAD_USER_INPUT, `Product ${productIds.join(', ')} is not for sale.`, { field: field(productIds[0]), productIds });
    case 'MIXED_CURRENCIES':
      return badUserInput('Products priced in different currencies cannot be ordered together.', 'input.lines');
    case 'CONFLICT':
      return keyReused();
    default:
      return new Error(`products refused a reservation: ${reply.error.code} ${reply.error.message}`);
  }
}
