import { ValidationError } from '../../domain/errors.ts';
import { orderEventSchema } from '../../domain/order/order-event.ts';
import { parseJson, validate } from '../../http/parse-body.ts';
import type { PlatformAdapter, PlatformRequest, Translation } from '../platform.ts';
import { mapYouzanPush } from './mapping.ts';
import { MAX_YOUZAN_BODY_BYTES, youzanPushSchema } from './payload.ts';
import { verifyYouzanSignature } from './signature.ts';

const translate = (request: PlatformRequest): Translation => {
  const size = Buffer.byteLength(request.body, 'utf8');
  if (size > MAX_YOUZAN_BODY_BYTES) {
    throw new ValidationError('body is too large', [
      { path: '(body)', message: `is ${size} bytes; the limit is ${MAX_YOUZAN_BODY_BYTES}` },
    ]);
  }
  const translation = mapYouzanPush(validate(parseJson(request.body), youzanPushSchema));
  if (translation.kind === 'events') {
    for (const event of translation.events) validate(event, orderEventSchema);
  }
  return translation;
};

/**
 * Youzan (有赞云 消息推送): `Event-Sign` is MD5(client_id + raw body + client_secret). Youzan
 * resends a message it got no success for (4 more times, over about 2.5 hours), so accepted,
 * duplicate and ignored messages all get its success answer.
 */
export const youzanAdapter: PlatformAdapter = {
  platform: 'youzan',
  verify: verifyYouzanSignature,
  translate,
  answer: () => ({ statusCode: 200, body: { code: 0, msg: 'success' } }),
};
