import {
  PayloadTooLargeError,
  ShopNotFoundError,
  UnsupportedMediaTypeError,
} from '../domain/errors.ts';
import type { ShopDirectory } from '../store/shop-directory.ts';
import type { ShopRecord } from '../store/shop-store.ts';
import { type ApiEvent, header, pathParam, rawBody } from './api.ts';
import { verifySignature } from './webhook-signature.ts';

export const MAX_SIGNED_BODY_BYTES = 256 * 1024;

export interface SignedRequest {
  record: ShopRecord;
  body: string;
  webhookId: string | undefined;
}

const isJson = (contentType: string | undefined): boolean =>
  /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(contentType ?? '');

/**
 * A shop's signed POST (intake, inbound SMS): known shop, size, JSON content type, then the
 * Standard Webhooks signature — cheapest and most certain first, nothing stored before all pass.
 */
export const readSignedRequest = async (
  shops: ShopDirectory,
  event: ApiEvent,
  maxBytes = MAX_SIGNED_BODY_BYTES,
): Promise<SignedRequest> => {
  const shopId = pathParam(event, 'shopId');
  const record = await shops.get(shopId);
  if (!record) throw new ShopNotFoundError(shopId);
  const body = rawBody(event);
  const size = Buffer.byteLength(body, 'utf8');
  if (size > maxBytes) throw new PayloadTooLargeError(size, maxBytes);
  const contentType = header(event, 'content-type');
  if (!isJson(contentType)) throw new UnsupportedMediaTypeError(contentType);
  const webhookId = header(event, 'webhook-id');
  verifySignature(
    body,
    {
      id: webhookId,
      timestamp: header(event, 'webhook-timestamp'),
      signature: header(event, 'webhook-signature'),
    },
    record.webhookSecrets,
  );
  return { record, body, webhookId };
};
