import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import * as z from 'zod';
import { createDocumentClient } from '../functions/config/clients.ts';
import { ROLES } from '../functions/domain/access/roles.ts';
import { sha256Hex } from '../functions/http/admin-auth.ts';
import { putPerson, revokePerson } from '../functions/store/people-store.ts';
import { getShop } from '../functions/store/shop-store.ts';

/**
 * Issues a named person a bearer token with a role in one shop. Prints the token once; only its
 * SHA-256 is stored. Their own email and phone are where their template test sends may go.
 *   npm run create-user -- --table <TableName> --shop acme --name li.wei --role editor \
 *     [--email li.wei@acme.example] [--phone +8613800000000] [--endpoint http://127.0.0.1:8000]
 *   npm run create-user -- --table <TableName> --shop acme --name li.wei --revoke
 *     (every token of that person stops working at once)
 */
const { values } = parseArgs({
  options: {
    table: { type: 'string' },
    shop: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string' },
    email: { type: 'string' },
    phone: { type: 'string' },
    endpoint: { type: 'string' },
    revoke: { type: 'boolean', default: false },
  },
});
const args = z
  .object({
    table: z.string().min(1),
    shop: z.string().min(1),
    name: z.string().regex(/^[A-Za-z0-9._@-]{2,64}$/, 'letters, digits and . _ @ - (2–64)'),
    role: z.enum(ROLES).optional(),
    revoke: z.boolean(),
    email: z.email().optional(),
    phone: z
      .string()
      .regex(/^\+[1-9]\d{6,14}$/, 'an E.164 number such as +8613800138000')
      .optional(),
    endpoint: z.url().optional(),
  })
  .safeParse(values);
if (!args.success) {
  for (const issue of args.error.issues)
    console.error(`--${issue.path.join('.')}: ${issue.message}`);
  process.exit(2);
}
const { table: tableName, shop, name, role, email, phone, endpoint, revoke } = args.data;
const table = { doc: createDocumentClient(endpoint ? { endpoint } : {}), tableName };
if (revoke) {
  const revoked = await revokePerson(table, shop, name);
  console.log(JSON.stringify({ shopId: shop, name, revoked }));
  process.exit(revoked ? 0 : 1);
}
if (!role) {
  console.error(`--role is required: one of ${ROLES.join(', ')}`);
  process.exit(2);
}
if (!(await getShop(table, shop))) {
  console.error(
    `shop '${shop}' is not in table ${tableName}: create it first (scripts/create-shop.ts)`,
  );
  process.exit(2);
}
const token = randomBytes(24).toString('base64url');
await putPerson(table, {
  shopId: shop,
  name,
  role,
  tokenHash: sha256Hex(token),
  createdAt: new Date().toISOString(),
  ...(email ? { email } : {}),
  ...(phone ? { phone } : {}),
});
console.log(JSON.stringify({ shopId: shop, name, role, token }, null, 2));
