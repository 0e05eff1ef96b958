// Operator roles form a ladder: each role may do what the roles below it
// may. An endpoint names the lowest role it needs.
//   viewer    read status, metrics and messages (phone numbers and bodies masked)
//   operator  + resume links, cancel messages, file change requests; sees numbers and bodies
//   approver  + approve or reject other people's change requests
//   admin     + operator accounts and tenant keys
export const ROLES = ['viewer', 'operator', 'approver', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(x: unknown): x is Role {
  return typeof x === 'string' && (ROLES as readonly string[]).includes(x);
}

export function roleAtLeast(has: Role, needs: Role): boolean {
  return ROLES.indexOf(has) >= ROLES.indexOf(needs);
}

/** Who may see phone numbers and (non-OTP) bodies in clear. */
export function seesPersonalData(role: Role): boolean {
  return roleAtLeast(role, 'operator');
}
