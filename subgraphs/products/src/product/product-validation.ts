import { badUserInput } from '#kernel';

/** Limits of catalog fields, matching the column sizes in prisma/products/schema.prisma. */
export const CATALOG_LIMITS = { name: 200, slug: 160, description: 20_000, url: 2048, alt: 300, images: 20, attributes: 30, attributeName: 50, attributeValue: 100 } as const;

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
// Intl knows the ISO 4217 list, so no table of our own to keep current.
const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

/** A trimmed, non-empty name of at most `max` characters. */
export function validName(value: string, field: string, max: number = CATALOG_LIMITS.name): string {
  const name = value.trim();
  if (!name) throw badUserInput('A name cannot be empty.', field);
  if (name.length > max) throw badUserInput(`A name has at most ${max} characters.`, field);
  return name;
}

/** Lower-case letters and digits separated by single hyphens, e.g. "blue-mug". */
export function validSlug(value: string, field: string): string {
  const slug = value.trim();
  if (!SLUG.test(slug) || slug.length > CATALOG_LIMITS.slug) {
    throw badUserInput(`A slug is 1–${CATALOG_LIMITS.slug} lower-case letters and digits separated by single hyphens, e.g. "blue-mug".`, field);
  }
  return slug;
}

export function validDescription(value: string, field: string): string {
  if (value.length > CATALOG_LIMITS.description) throw badUserInput(`A description has at most ${CATALOG_LIMITS.description} characters.`, field);
  return value.trim();
}

/** A price: whole minor units, zero or more, and a currency ISO 4217 knows. */
export function validPrice(price: { amount: number; currency: string }, field: string): { amount: number; currency: string } {
  if (!Number.isSafeInteger(price.amount) || price.amount < 0) throw badUserInput('A price is a whole number of minor units, 0 or more.', `${field}.amount`);
  const currency = price.currency.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency) || !CURRENCIES.has(currency)) throw badUserInput(`${price.currency} is not an ISO 4217 currency code.`, `${field}.currency`);
  return { amount: price.amount, currency };
}

/** One image of a product as stored. */
export interface ImageValues {
  url: string;
  alt: string;
  position: number;
}

/** http(s) URLs, alt text within limits, positions 0 or more and distinct. */
export function validImages(images: readonly ImageValues[], field: string): ImageValues[] {
  if (images.length > CATALOG_LIMITS.images) throw badUserInput(`A product has at most ${CATALOG_LIMITS.images} images.`, field);
  const positions = new Set<number>();
  return images.map((image, index) => {
    const at = `${field}.${index}`;
    let url: URL;
    try {
      url = new URL(image.url.trim());
    } catch {
      throw badUserInput('An image URL must be an absolute http(s) URL.', `${at}.url`);
    }
    if (!['http:', 'https:'].includes(url.protocol) || image.url.trim().length > CATALOG_LIMITS.url) {
      throw badUserInput(`An image URL must be an absolute http(s) URL of at most ${CATALOG_LIMITS.url} characters.`, `${at}.url`);
    }
    const alt = image.alt.trim();
    if (alt.length > CATALOG_LIMITS.alt) throw badUserInput(`Alt text has at most ${CATALOG_LIMITS.alt} characters.`, `${at}.alt`);
    if (!Number.isInteger(image.position) || image.position < 0) throw badUserInput('An image position is a whole number, 0 or more.', `${at}.position`);
    if (positions.has(image.position)) throw badUserInput(`Two images share position ${image.position}.`, `${at}.position`);
    positions.add(image.position);
    return { url: image.url.trim(), alt, position: image.position };
  });
}

/** One attribute of a product as stored. */
export interface AttributeValues {
  name: string;
  value: string;
}

const ATTRIBUTE_NAME = /^[a-z0-9_-]+$/;

/** An attribute name: trimmed, lower-cased, 1–50 characters of a–z, 0–9, "_" and "-". */
export function validAttributeName(value: string, field: string): string {
  const name = value.trim().toLowerCase();
  if (!ATTRIBUTE_NAME.test(name) || name.length > CATALOG_LIMITS.attributeName) {
    throw badUserInput(`An attribute name is 1–${CATALOG_LIMITS.attributeName} characters of a–z, 0–9, "_" and "-".`, field);
  }
  return name;
}

/** An attribute value: trimmed, 1–100 characters. */
export function validAttributeValue(value: string, field: string): string {
  const trimmed = value.trim();
  if (!trimmed || trimmed.length > CATALOG_LIMITS.attributeValue) throw badUserInput(`An attribute value is 1–${CATALOG_LIMITS.attributeValue} characters.`, field);
  return trimmed;
}

/** At most 30 attributes with valid, distinct names (after lower-casing) and valid values. */
export function validAttributes(attributes: readonly AttributeValues[], field: string): AttributeValues[] {
  if (attributes.length > CATALOG_LIMITS.attributes) throw badUserInput(`A product has at most ${CATALOG_LIMITS.attributes} attributes.`, field);
  const names = new Set<string>();
  return attributes.map((attribute, index) => {
    const at = `${field}.${index}`;
    const name = validAttributeName(attribute.name, `${at}.name`);
    if (names.has(name)) throw badUserInput(`Two attributes share the name "${name}".`, `${at}.name`);
    names.add(name);
    return { name, value: validAttributeValue(attribute.value, `${at}.value`) };
  });
}
