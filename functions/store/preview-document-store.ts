import { randomBytes } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { TableRef } from './dynamo.ts';
import { previewDocumentKey } from './table.ts';

/** Long enough to look at a preview, short enough that a leaked link soon shows nothing. */
export const PREVIEW_DOCUMENT_SECONDS = 15 * 60;
const ID = /^[A-Za-z0-9_-]{43}$/;

/** Stores a rendered email (masked data only) under 256 random bits; one write per preview. */
export const putPreviewDocument = async (
  t: TableRef,
  shopId: string,
  html: string,
  now: Date,
): Promise<string> => {
  const id = randomBytes(32).toString('base64url');
  const expiresAt = Math.floor(now.getTime() / 1000) + PREVIEW_DOCUMENT_SECONDS;
  await t.doc.send(
    new PutCommand({
      TableName: t.tableName,
      Item: { ...previewDocumentKey(id), type: 'preview-document', shopId, html, expiresAt },
    }),
  );
  return id;
};

/** The document while it is fresh; TTL deletes lag, so expiry is checked here too. */
export const getPreviewDocument = async (
  t: TableRef,
  id: string,
  now: Date,
): Promise<string | undefined> => {
  if (!ID.test(id)) return undefined;
  const out = await t.doc.send(
    new GetCommand({ TableName: t.tableName, Key: previewDocumentKey(id) }),
  );
  const item = out.Item as { html?: string; expiresAt?: number } | undefined;
  if (!item?.html || (item.expiresAt ?? 0) * 1000 < now.getTime()) return undefined;
  return item.html;
};
