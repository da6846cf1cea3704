import { asAdmin } from './admin';
import { graphqlRequest } from './clients';
import { login, registerCustomer, type SignedIn } from './accounts';

const ASSIGN = `mutation ($id: ID!, $roles: [Role!]!) { assignRoles(userId: $id, roles: $roles) { id } }`;

let staff: Promise<SignedIn & { roles: string[] }> | undefined;

/**
 * A signed-in STAFF member: a new customer the admin promotes, signed in again so the
 * token carries the role. Reused within a spec file.
 */
export function asStaff(): Promise<SignedIn & { roles: string[] }> {
  staff ??= promoteStaff().catch((error: unknown) => {
    staff = undefined;
    throw error;
  });
  return staff;
}

async function promoteStaff(): Promise<SignedIn & { roles: string[] }> {
  const admin = await asAdmin();
  const clerk = await registerCustomer('staff');
  const promoted = await graphqlRequest(ASSIGN, { token: admin.accessToken, variables: { id: clerk.userId, roles: ['CUSTOMER', 'STAFF'] } });
  if (!promoted.data?.assignRoles) throw new Error(`promotion to STAFF failed: ${JSON.stringify(promoted.errors)}`);
  const session = await login(clerk);
  if (!session.roles.includes('STAFF')) throw new Error(`${clerk.email} did not become STAFF`);
  return session;
}
