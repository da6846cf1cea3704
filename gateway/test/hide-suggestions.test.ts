import { describe, expect, it } from 'vitest';
import { withoutSuggestions } from '../src/security/hide-suggestions';

describe('withoutSuggestions', () => {
  it('drops graphql-js’s hints, whatever their form', () => {
    const strip = (message: string) => withoutSuggestions({ message }).message;
    expect(strip('Cannot query field "nam" on type "Product". Did you mean "name"?')).toBe('Cannot query field "nam" on type "Product".');
    expect(strip('Unknown argument "frist" on field "Query.products". Did you mean "first", "after", or "sort"?')).toBe(
      'Unknown argument "frist" on field "Query.products".',
    );
    expect(strip('Value "CRD" does not exist in "PaymentMethod" enum. Did you mean the enum value "CARD"?')).toBe('Value "CRD" does not exist in "PaymentMethod" enum.');
    expect(strip('Variable "$m" got invalid value "CRD"; Did you mean the enum value "CARD"?')).toBe('Variable "$m" got invalid value "CRD"');
  });

  it('leaves other messages, and the rest of the error, as they are', () => {
    const error = { message: 'Product 1 was not found.', extensions: { code: 'NOT_FOUND' } };
    expect(withoutSuggestions(error)).toBe(error);
    expect(withoutSuggestions({ message: 'Bad. Did you mean "x"?', path: ['a'] })).toEqual({ message: 'Bad.', path: ['a'] });
  });
});
