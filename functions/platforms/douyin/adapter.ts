import { ValidationError } from '../../domain/errors.ts';
import { orderEventSchema } from '../../domain/order/order-event.ts';
import { validate } from '../../http/parse-body.ts';
import type { PlatformAdapter, PlatformRequest, Translation } from '../platform.ts';
import { mapDouyinBatch } from './mapping.ts';
import { douyinBatchSchema, MAX_DOUYIN_BODY_BYTES } from './payload.ts';
import { parsePreciseJson } from './precise-json.ts';
import { verifyDouyinSignature } from './signature.ts';

const translate = (request: PlatformRequest): Translation => {
  const size = Buffer.byteLength(request.body, 'utf8');
  if (size > MAX_DOUYIN_BODY_BYTES) {
    throw new ValidationError('body is too large', [
      { path: '(body)', message: `is ${size} bytes; the limit is ${MAX_DOUYIN_BODY_BYTES}` },
    ]);
  }
  const translation = mapDouyinBatch(validate(parsePreciseJson(request.body), douyinBatchSchema));
  if (translation.kind === 'events') {
    for (const event of translation.events) validate(event, orderEventSchema);
  }
  return translation;
};

/**
 * Douyin (抖店 消息推送): `event-sign` is MD5(app_key + raw body + app_secret) and `app-id` names
 * the app. One POST is a batch; 抖店 resends it until answered with its success body, which is
 * therefore sent only once every message of the batch is stored (or ignored).
 */
export const douyinAdapter: PlatformAdapter = {
  platform: 'douyin',
  verify: verifyDouyinSignature,
  translate,
  answer: () => ({ statusCode: 200, body: { code: 0, msg: 'success' } }),
};
