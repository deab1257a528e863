import type { FollowUpKey } from '../../domain/follow-ups/follow-up.ts';

/**
 * What we hand a provider to get back with each delivery receipt (Aliyun OutId, Tencent
 * SessionContext): the follow-up's own key, so a receipt finds its follow-up with one keyed write
 * and the sender writes nothing more than before. The shop is in the receipt endpoint's path.
 */
const PREFIX = 'f1.';
/** Tencent's SessionContext must stay under 512 bytes; Aliyun's OutId is kept as short. */
export const MAX_REFERENCE_LENGTH = 256;

export const receiptReference = (
  key: Pick<FollowUpKey, 'orderId' | 'flow' | 'step'>,
): string | undefined => {
  const ref = `${PREFIX}${Buffer.from(JSON.stringify([key.orderId, key.flow, key.step])).toString('base64url')}`;
  return ref.length <= MAX_REFERENCE_LENGTH ? ref : undefined;
};

export const followUpOfReference = (
  shopId: string,
  ref: string | undefined,
): FollowUpKey | undefined => {
  if (!ref?.startsWith(PREFIX) || ref.length > MAX_REFERENCE_LENGTH) return undefined;
  try {
    const parts: unknown = JSON.parse(
      Buffer.from(ref.slice(PREFIX.length), 'base64url').toString(),
    );
    if (!Array.isArray(parts) || parts.length !== 3) return undefined;
    if (!parts.every((p) => typeof p === 'string' && p.length > 0)) return undefined;
    const [orderId, flow, step] = parts as [string, string, string];
    return { shopId, orderId, flow, step };
  } catch {
    return undefined;
  }
};
