import type { FollowUpKey } from '../../functions/domain/follow-ups/follow-up.ts';
import type { SendQueue } from '../../functions/queue/send-queue.ts';

/** A send queue that takes everything and keeps the keys, as the real one puts only the key on the message. */
export const recordingQueue = (): SendQueue & { keys: FollowUpKey[] } => {
  const keys: FollowUpKey[] = [];
  return {
    keys,
    enqueue: async (k) => {
      keys.push(...k.map(({ shopId, orderId, flow, step }) => ({ shopId, orderId, flow, step })));
      return [];
    },
  };
};

/** A send queue that refuses everything it is given. */
export const refusingQueue: SendQueue = { enqueue: async (keys) => keys };
