/**
 * Events the products domain publishes (subjects `<EVENTS_PREFIX>.products.<type>`),
 * recorded in the same transaction as the change. Consumers validate the payloads themselves.
 */
export const ProductEventType = {
  updated: 'product.updated',
} as const;

/** A product was created or changed (archiving included); carries its state after the change. */
export interface ProductUpdated {
  productId: string;
  slug: string;
  name: string;
  status: 'DRAFT' | 'ACTIVE' | 'ARCHIVED';
  price: { amount: number; currency: string };
  categoryId: string | null;
  /** Input fields the change set; all of them on creation. */
  changed: string[];
}
