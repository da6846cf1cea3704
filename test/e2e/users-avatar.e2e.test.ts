import { describe, expect, it } from 'vitest';
import { graphqlRequest, testEnvironment } from '../support/clients';
import { registerCustomer } from '../support/accounts';

/** A real 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
/** The first bytes of a JPEG (the type is decided from these alone). */
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64, 1)]);

const gatewayOrigin = () => new URL(testEnvironment().gatewayUrl).origin;

function upload(bytes: Buffer, options: { token?: string; fileName?: string; type?: string; url?: string } = {}) {
  const form = new FormData();
  form.append('avatar', new Blob([bytes], { type: options.type ?? 'image/png' }), options.fileName ?? 'avatar.png');
  return fetch(options.url ?? `${gatewayOrigin()}/users/me/avatar`, {
    method: 'POST',
    headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
    body: form,
  });
}

describe('avatar upload (POST /users/me/avatar on the gateway)', () => {
  it('stores a PNG, shows it as User.avatarUrl, serves it, and removes the old one on replace', async () => {
    const user = await registerCustomer('avatar');
    const response = await upload(PNG, { token: user.accessToken });
    expect(response.status).toBe(200);
    const { avatarUrl } = (await response.json()) as { avatarUrl: string };
    expect(avatarUrl).toMatch(/^\/avatars\/[0-9a-f-]{36}-[A-Za-z0-9_-]{22}\.png$/);

    const me = await graphqlRequest(`{ me { avatarUrl } }`, { token: user.accessToken });
    expect(me.data?.me.avatarUrl).toBe(avatarUrl);
    const image = await fetch(`${gatewayOrigin()}${avatarUrl}`);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(image.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await image.arrayBuffer())).toEqual(PNG);

    // The type comes from the bytes: a JPEG named .png is stored as a JPEG.
    const replaced = await upload(JPEG, { token: user.accessToken, fileName: 'photo.png', type: 'image/png' });
    const next = ((await replaced.json()) as { avatarUrl: string }).avatarUrl;
    expect(next).toMatch(/\.jpg$/);
    expect((await fetch(`${gatewayOrigin()}${avatarUrl}`)).status).toBe(404);
    expect((await fetch(`${gatewayOrigin()}${next}`)).headers.get('content-type')).toBe('image/jpeg');
    expect((await graphqlRequest(`{ me { avatarUrl } }`, { token: user.accessToken })).data?.me.avatarUrl).toBe(next);
  });

  it('refuses a file over 2 MiB with 413', async () => {
    const user = await registerCustomer('avatar-big');
    const big = Buffer.concat([PNG, Buffer.alloc(2 * 1024 * 1024 + 1)]);
    const response = await upload(big, { token: user.accessToken });
    expect(response.status).toBe(413);
    expect((await graphqlRequest(`{ me { avatarUrl } }`, { token: user.accessToken })).data?.me.avatarUrl).toBeNull();
  });

  it('refuses bytes that are not PNG, JPEG or WebP with 415, whatever the name and declared type', async () => {
    const user = await registerCustomer('avatar-fake');
    const response = await upload(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), {
      token: user.accessToken,
      fileName: 'innocent.png',
      type: 'image/png',
    });
    expect(response.status).toBe(415);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('refuses an upload without a valid access token with 401', async () => {
    expect((await upload(PNG)).status).toBe(401);
    expect((await upload(PNG, { token: 'not-a-token' })).status).toBe(401);
  });

  it('refuses an upload sent to the users subgraph directly, bypassing the gateway, with 401', async () => {
    const user = await registerCustomer('avatar-direct');
    const usersOrigin = new URL(testEnvironment().env.USERS_URL!).origin;
    const response = await upload(PNG, { token: user.accessToken, url: `${usersOrigin}/users/me/avatar` });
    expect(response.status).toBe(401);
  });

  it('answers 404 for an unknown or malformed avatar path', async () => {
    expect((await fetch(`${gatewayOrigin()}/avatars/00000000-0000-0000-0000-000000000000-AAAAAAAAAAAAAAAAAAAAAA.png`)).status).toBe(404);
    expect((await fetch(`${gatewayOrigin()}/avatars/..%2F..%2Fetc%2Fpasswd`)).status).toBe(404);
  });
});
