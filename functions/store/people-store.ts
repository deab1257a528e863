import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { isRole, type Role } from '../domain/access/roles.ts';
import type { TableRef } from './dynamo.ts';
import { personKey } from './table.ts';

/** A named person of a shop with a role; found by their token's SHA-256, the token is never stored. */
export interface Person {
  shopId: string;
  name: string;
  role: Role;
  tokenHash: string;
  createdAt: string;
  email?: string;
  phone?: string;
}

export const getPersonByTokenHash = async (
  t: TableRef,
  shopId: string,
  tokenHash: string,
): Promise<Person | undefined> => {
  const out = await t.doc.send(
    new GetCommand({ TableName: t.tableName, Key: personKey(shopId, tokenHash) }),
  );
  const item = out.Item;
  if (!item || !isRole(item.role) || typeof item.name !== 'string') return undefined;
  return {
    shopId,
    name: item.name,
    role: item.role,
    tokenHash,
    createdAt: String(item.createdAt),
    ...(typeof item.email === 'string' ? { email: item.email } : {}),
    ...(typeof item.phone === 'string' ? { phone: item.phone } : {}),
  };
};

export const putPerson = async (t: TableRef, person: Person): Promise<void> => {
  await t.doc.send(
    new PutCommand({
      TableName: t.tableName,
      Item: { ...personKey(person.shopId, person.tokenHash), type: 'person', ...person },
    }),
  );
};
