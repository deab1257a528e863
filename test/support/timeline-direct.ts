import type { FollowUp } from '../../functions/domain/follow-ups/follow-up.ts';
import { readOrderPartition } from '../../functions/store/order-store.ts';
import type { LocalStack } from '../../local/stack.ts';

/** An order's follow-ups straight from the table, sorted by step. */
export const readFollowUps = async (
  stack: LocalStack,
  orderId: string,
  shopId = 'demo',
): Promise<{ followUps: FollowUp[] }> => {
  const { followUps } = await readOrderPartition(stack.table, shopId, orderId);
  return { followUps: [...followUps].sort((a, b) => a.step.localeCompare(b.step)) };
};
