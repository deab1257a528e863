import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { isRole, type Role } from '../domain/access/roles.ts';
import { queryItems, type TableRef } from './dynamo.ts';
import { peoplePk, personKey } from './table.ts';

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

/** Deletes every token of the named person in the shop; answers how many there were. */
export const revokePerson = async (t: TableRef, shopId: string, name: string): Promise<number> => {
  let revoked = 0;
  for await (const item of queryItems(t, {
    KeyConditionExpression: 'pk = :pk',
    FilterExpression: '#name = :name',
    ExpressionAttributeNames: { '#name': 'name' },
    ExpressionAttributeValues: { ':pk': peoplePk(shopId), ':name': name },
  })) {
    await t.doc.send(
      new DeleteCommand({ TableName: t.tableName, Key: { pk: item.pk, sk: item.sk } }),
    );
    revoked++;
  }
  return revoked;
};
