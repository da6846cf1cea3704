import { describe, expect, it } from 'vitest';
import { validAttributes, validImages, validName, validPrice, validSlug } from '../src/product/product-validation';

const fieldOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as { extensions: { code: string; field: string } }).extensions;
  }
  throw new Error('expected a BAD_USER_INPUT');
};

describe('product validation', () => {
  it('accepts and normalizes good values', () => {
    expect(validName('  Blue mug ', 'input.name')).toBe('Blue mug');
    expect(validSlug('blue-mug-2', 'input.slug')).toBe('blue-mug-2');
    expect(validPrice({ amount: 0, currency: 'eur' }, 'input.price')).toEqual({ amount: 0, currency: 'EUR' });
    expect(validImages([{ url: 'https://cdn.test/a.jpg', alt: ' A ', position: 1 }], 'input.images')).toEqual([
      { url: 'https://cdn.test/a.jpg', alt: 'A', position: 1 },
    ]);
  });

  it.each([
    ['an empty name', () => validName('  ', 'input.name'), 'input.name'],
    ['a slug with spaces', () => validSlug('Blue Mug', 'input.slug'), 'input.slug'],
    ['a negative price', () => validPrice({ amount: -1, currency: 'USD' }, 'input.price'), 'input.price.amount'],
    ['a fractional price', () => validPrice({ amount: 1.5, currency: 'USD' }, 'input.price'), 'input.price.amount'],
    ['an unknown currency', () => validPrice({ amount: 1, currency: 'XYZ' }, 'input.price'), 'input.price.currency'],
    ['a non-http image URL', () => validImages([{ url: 'javascript:alert(1)', alt: '', position: 0 }], 'input.images'), 'input.images.0.url'],
    [
      'two images at one position',
      () => validImages([{ url: 'https://a.test/1', alt: '', position: 0 }, { url: 'https://a.test/2', alt: '', position: 0 }], 'input.images'),
      'input.images.1.position',
    ],
  ])('refuses %s with BAD_USER_INPUT naming the field', (_case, fn, field) => {
    expect(fieldOf(fn)).toEqual({ code: 'BAD_USER_INPUT', field });
  });
});

describe('attribute validation', () => {
  it('lower-cases names and trims values', () => {
    expect(validAttributes([{ name: ' Color ', value: ' red ' }, { name: 'shoe_size-eu', value: '42' }], 'input.attributes')).toEqual([
      { name: 'color', value: 'red' },
      { name: 'shoe_size-eu', value: '42' },
    ]);
  });

  it.each([
    ['an empty name', [{ name: ' ', value: 'x' }], 'input.attributes.0.name'],
    ['a name with spaces', [{ name: 'shoe size', value: 'x' }], 'input.attributes.0.name'],
    ['a name over 50 characters', [{ name: 'a'.repeat(51), value: 'x' }], 'input.attributes.0.name'],
    ['an empty value', [{ name: 'color', value: '  ' }], 'input.attributes.0.value'],
    ['a value over 100 characters', [{ name: 'color', value: 'v'.repeat(101) }], 'input.attributes.0.value'],
    ['names equal once lower-cased', [{ name: 'color', value: 'red' }, { name: 'COLOR', value: 'blue' }], 'input.attributes.1.name'],
    ['more than 30 attributes', Array.from({ length: 31 }, (_, i) => ({ name: `a${i}`, value: 'x' })), 'input.attributes'],
  ])('refuses %s, naming the field', (_case, attributes, field) => {
    expect(fieldOf(() => validAttributes(attributes, 'input.attributes'))).toEqual({ code: 'BAD_USER_INPUT', field });
  });
});
