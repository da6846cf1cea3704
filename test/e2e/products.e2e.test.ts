import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerCustomer, type SignedIn } from '../support/accounts';
import { asAdmin } from '../support/admin';
import { errorCodes, graphqlRequest } from '../support/clients';
import { asStaff } from '../support/staff';

const PRODUCT_FIELDS = `id slug name description status price { amount currency } images { url alt position } category { id name }`;
const CREATE = `mutation ($input: CreateProductInput!) { createProduct(input: $input) { ${PRODUCT_FIELDS} } }`;
const UPDATE = `mutation ($id: ID!, $input: UpdateProductInput!) { updateProduct(id: $id, input: $input) { ${PRODUCT_FIELDS} } }`;
const DELETE = `mutation ($id: ID!) { deleteProduct(id: $id) { id status } }`;
const PRODUCT = `query ($id: ID!) { product(id: $id) { ${PRODUCT_FIELDS} } }`;

const slug = (label: string) => `${label}-${randomBytes(4).toString('hex')}`;
const input = (overrides: Record<string, unknown> = {}) => ({
  name: 'Blue mug',
  slug: slug('blue-mug'),
  description: 'A mug, blue.',
  price: { amount: 1299, currency: 'EUR' },
  ...overrides,
});

let staff: SignedIn;
let customer: SignedIn;
beforeAll(async () => {
  [staff, customer] = await Promise.all([asStaff(), registerCustomer('shopper')]);
});

describe('products: staff manage the catalog', () => {
  it('creates a draft only staff see, publishes it, then archives it away from customers', async () => {
    const images = [
      { url: 'https://cdn.example.test/mug-side.jpg', alt: 'Side', position: 1 },
      { url: 'https://cdn.example.test/mug-front.jpg', alt: 'Front', position: 0 },
    ];
    const created = await graphqlRequest(CREATE, { token: staff.accessToken, variables: { input: input({ images }) } });
    const product = created.data?.createProduct;
    expect(product).toMatchObject({ name: 'Blue mug', status: 'DRAFT', price: { amount: 1299, currency: 'EUR' }, category: null });
    expect(product.images.map((image: { alt: string }) => image.alt)).toEqual(['Front', 'Side']);

    const asCustomer = () => graphqlRequest(PRODUCT, { token: customer.accessToken, variables: { id: product.id } });
    expect((await asCustomer()).data?.product).toBeNull();
    expect((await graphqlRequest(PRODUCT, { variables: { id: product.id } })).data?.product).toBeNull();
    expect((await graphqlRequest(PRODUCT, { token: staff.accessToken, variables: { id: product.id } })).data?.product.id).toBe(product.id);

    const published = await graphqlRequest(UPDATE, {
      token: staff.accessToken,
      variables: { id: product.id, input: { status: 'ACTIVE', price: { amount: 999, currency: 'eur' }, images: [images[0]] } },
    });
    expect(published.data?.updateProduct).toMatchObject({ status: 'ACTIVE', name: 'Blue mug', price: { amount: 999, currency: 'EUR' } });
    expect(published.data?.updateProduct.images).toEqual([images[0]]);
    expect((await asCustomer()).data?.product.status).toBe('ACTIVE');

    const archived = await graphqlRequest(DELETE, { token: staff.accessToken, variables: { id: product.id } });
    expect(archived.data?.deleteProduct).toEqual({ id: product.id, status: 'ARCHIVED' });
    expect((await asCustomer()).data?.product).toBeNull();
  });

  it('lets an admin manage products too', async () => {
    const admin = await asAdmin();
    const created = await graphqlRequest(CREATE, { token: admin.accessToken, variables: { input: input() } });
    expect(created.data?.createProduct.status).toBe('DRAFT');
  });

  it('refuses a taken slug with CONFLICT, on create and on update', async () => {
    const taken = slug('taken');
    await graphqlRequest(CREATE, { token: staff.accessToken, variables: { input: input({ slug: taken }) } });
    expect(errorCodes(await graphqlRequest(CREATE, { token: staff.accessToken, variables: { input: input({ slug: taken }) } }))).toEqual(['CONFLICT']);
    const other = (await graphqlRequest(CREATE, { token: staff.accessToken, variables: { input: input() } })).data?.createProduct;
    const renamed = await graphqlRequest(UPDATE, { token: staff.accessToken, variables: { id: other.id, input: { slug: taken } } });
    expect(errorCodes(renamed)).toEqual(['CONFLICT']);
  });

  it.each([
    ['an empty name', { name: ' ' }, 'input.name'],
    ['a bad slug', { slug: 'Not A Slug' }, 'input.slug'],
    ['a negative price', { price: { amount: -1, currency: 'USD' } }, 'input.price.amount'],
    ['an unknown currency', { price: { amount: 100, currency: 'ABC' } }, 'input.price.currency'],
    ['an unknown category', { categoryId: '00000000-0000-7000-8000-000000000000' }, 'input.categoryId'],
    ['an image that is not http(s)', { images: [{ url: 'ftp://cdn.test/a.jpg', alt: '', position: 0 }] }, 'input.images.0.url'],
  ])('refuses %s with BAD_USER_INPUT naming the field', async (_case, overrides, field) => {
    const result = await graphqlRequest(CREATE, { token: staff.accessToken, variables: { input: input(overrides) } });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0]?.extensions?.field).toBe(field);
  });

  it('answers NOT_FOUND for a product that does not exist', async () => {
    const result = await graphqlRequest(UPDATE, { token: staff.accessToken, variables: { id: '00000000-0000-7000-8000-000000000000', input: { name: 'x' } } });
    expect(errorCodes(result)).toEqual(['NOT_FOUND']);
  });
});

describe('products: customers and anonymous callers cannot change the catalog', () => {
  it('refuses every mutation to a customer with FORBIDDEN and to anonymous callers with UNAUTHENTICATED', async () => {
    const product = (await graphqlRequest(CREATE, { token: staff.accessToken, variables: { input: input({ status: 'ACTIVE' }) } })).data?.createProduct;
    const attempts = [
      [CREATE, { input: input() }],
      [UPDATE, { id: product.id, input: { name: 'Hijacked' } }],
      [DELETE, { id: product.id }],
    ] as const;
    for (const [query, variables] of attempts) {
      expect(errorCodes(await graphqlRequest(query, { token: customer.accessToken, variables }))).toEqual(['FORBIDDEN']);
      expect(errorCodes(await graphqlRequest(query, { variables }))).toEqual(['UNAUTHENTICATED']);
    }
    expect((await graphqlRequest(PRODUCT, { variables: { id: product.id } })).data?.product).toMatchObject({ name: 'Blue mug', status: 'ACTIVE' });
  });
});
