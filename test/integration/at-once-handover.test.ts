import { randomUUID } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSendQueue, type SendQueue } from '../../functions/queue/send-queue.ts';
import {
  cancelFollowUps,
  claimFollowUp,
  createFollowUps,
  settleUnclaimed,
} from '../../functions/store/follow-up-store.ts';
import { readOrderPartition } from '../../functions/store/order-store.ts';
import { DUE_INDEX } from '../../functions/store/table.ts';
import { ingestOrderEvent } from '../../functions/use-cases/ingest-event.ts';
import { DEMO_SHOP_LINKS, DEMO_WEBHOOK_SECRET, type LocalStack } from '../../local/stack.ts';
import { demoShop, orderData, orderEvent } from '../support/fixtures.ts';
import { recordingQueue, refusingQueue } from '../support/queues.ts';
import { startTestStack } from '../support/test-stack.ts';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startTestStack({ clockStart: '2026-11-22T03:00:00Z' });
});
afterAll(async () => {
  await stack?.stop();
});

const CLAIM_TIMEOUT_MS = 5 * 60_000;
const shop = demoShop({ settings: { ...demoShop().settings, links: DEMO_SHOP_LINKS } });
const paid = (orderId: string) =>
  orderEvent(
    'order.paid',
    '2026-11-22T10:40:00+08:00',
    orderData({ id: orderId, number: `#${orderId}` }),
    `evt_paid_${orderId}`,
  );
const deps = (queue: SendQueue) => ({ table: stack.table, clock: stack.clock, queue });
const confirmation = (orderId: string) => ({
  shopId: 'demo',
  orderId,
  flow: 'order-confirmation',
  step: 'confirmation',
});
const dueEntries = async () => {
  const out: string[] = [];
  for (let shard = 0; shard < 8; shard++) {
    const page = await stack.table.doc.send(
      new QueryCommand({
        TableName: stack.table.tableName,
        IndexName: DUE_INDEX,
        KeyConditionExpression: 'duePk = :pk',
        ExpressionAttributeValues: { ':pk': `DUE#${shard}` },
      }),
    );
    for (const item of page.Items ?? []) out.push(`${item.pk} ${item.sk} ${item.dueSk}`);
  }
  return out;
};

/** The order's confirmation as intake planned it, or as its item now says. */
const confirmationStep = async (orderId: string) => {
  const { followUps } = await readOrderPartition(stack.table, 'demo', orderId);
  const f = followUps.find((x) => x.flow === 'order-confirmation');
  if (!f) throw new Error('no confirmation planned');
  return f;
};

const queuedConfirmation = (orderId: string) => {
  const now = stack.clock.now().toISOString();
  return {
    ...confirmation(orderId),
    template: 'confirmation',
    channel: 'sms' as const,
    category: 'transactional' as const,
    dueAt: now,
    status: 'queued' as const,
    createdAt: now,
  };
};

describe('at-once notices go from intake straight to the send queue', () => {
  it('creates them queued, outside the due index, and hands them to SQS once the order is saved', async () => {
    const queue = recordingQueue();
    expect(await ingestOrderEvent(deps(queue), shop, paid('H1'))).toBe('accepted');
    expect(queue.keys).toEqual([confirmation('H1')]);
    const { order, followUps } = await readOrderPartition(stack.table, 'demo', 'H1');
    expect(order?.milestones.paid).toBeDefined();
    expect(followUps.find((f) => f.flow === 'order-confirmation')?.status).toBe('queued');
    // Kept queued on the order: its item is first written by the sender that claims it.
    const { stored } = await readOrderPartition(stack.table, 'demo', 'H1');
    expect(stored.filter((f) => f.flow === 'order-confirmation')).toEqual([]);
    // SQS holds it until a sender is done: no index entry to write now and remove later.
    expect(
      (await dueEntries()).filter((e) => e.includes('#H1 FOLLOWUP#order-confirmation')),
    ).toEqual([]);
  });

  it('a notice SQS refused is handed over again by the redelivered event, and goes out once', async () => {
    await expect(ingestOrderEvent(deps(refusingQueue), shop, paid('H2'))).rejects.toThrow(
      /send queue refused demo\/H2\/order-confirmation\/confirmation/,
    );
    const queue = createSendQueue(stack.sqs, stack.queueUrl);
    expect(await ingestOrderEvent(deps(queue), shop, paid('H2'))).toBe('duplicate');
    // A second redelivery hands it over again, as the first might have died before SQS took it.
    expect(await ingestOrderEvent(deps(queue), shop, paid('H2'))).toBe('duplicate');
    await stack.runDue();
    await stack.advanceTo(new Date(stack.clock.now().getTime() + 30 * 60_000));
    expect(stack.outbox.list({ orderId: 'H2' }).map((m) => m.flow)).toEqual(['order-confirmation']);
    const redelivered = recordingQueue();
    expect(await ingestOrderEvent(deps(redelivered), shop, paid('H2'))).toBe('duplicate');
    expect(redelivered.keys).toEqual([]);
  });

  it('a queued item no sender has claimed (written before notices stayed on the order) is handed over again', async () => {
    await createFollowUps(stack.table, [queuedConfirmation('H3')]);
    const queue = recordingQueue();
    expect(await ingestOrderEvent(deps(queue), shop, paid('H3'))).toBe('accepted');
    expect(queue.keys).toEqual([confirmation('H3')]);
  });

  it('the claim creates the item; a cancel written first makes it fail, one written after leaves it', async () => {
    await ingestOrderEvent(deps(recordingQueue()), shop, paid('H6'));
    await ingestOrderEvent(deps(recordingQueue()), shop, paid('H7'));
    const at = stack.clock.now();
    const cancelOf = async (orderId: string) =>
      cancelFollowUps(
        stack.table,
        'demo',
        orderId,
        [
          {
            flow: 'order-confirmation',
            step: 'confirmation',
            reason: 'order cancelled',
            planned: await confirmationStep(orderId),
          },
        ],
        at,
      );
    await cancelOf('H6');
    expect(await claimFollowUp(stack.table, await confirmationStep('H6'), 'late', at, at)).toEqual({
      claimed: false,
    });
    expect(await confirmationStep('H6')).toMatchObject({
      status: 'cancelled',
      reason: 'order cancelled',
    });

    expect(await claimFollowUp(stack.table, await confirmationStep('H7'), 'first', at, at)).toEqual(
      {
        claimed: true,
        attempts: 1,
      },
    );
    await cancelOf('H7');
    expect(await confirmationStep('H7')).toMatchObject({
      status: 'queued',
      attempts: 1,
      template: 'confirmation',
      channel: 'sms',
      category: 'transactional',
    });
  });

  it('a skip decided before any claim is one write; it fails while another sender holds the step', async () => {
    await ingestOrderEvent(deps(recordingQueue()), shop, paid('H8'));
    await ingestOrderEvent(deps(recordingQueue()), shop, paid('H9'));
    const at = stack.clock.now();
    // No channel with the skip: the item takes the step's, as every other field it does not set.
    const skip = { status: 'skipped' as const, reason: 'holdout' };
    expect(await settleUnclaimed(stack.table, await confirmationStep('H8'), skip, at, at)).toBe(
      true,
    );
    expect(await confirmationStep('H8')).toMatchObject({
      status: 'skipped',
      reason: 'holdout',
      attempts: 0,
      template: 'confirmation',
      channel: 'sms',
      category: 'transactional',
      dueAt: expect.any(String),
      createdAt: expect.any(String),
    });
    // Settled is settled: neither a second settle nor a claim takes it again.
    expect(await settleUnclaimed(stack.table, await confirmationStep('H8'), skip, at, at)).toBe(
      false,
    );
    expect(
      (await claimFollowUp(stack.table, await confirmationStep('H8'), 'late', at, at)).claimed,
    ).toBe(false);

    expect(
      (await claimFollowUp(stack.table, await confirmationStep('H9'), 'live', at, at)).claimed,
    ).toBe(true);
    expect(await settleUnclaimed(stack.table, await confirmationStep('H9'), skip, at, at)).toBe(
      false,
    );
    expect(await confirmationStep('H9')).toMatchObject({ status: 'queued', attempts: 1 });
  });

  it('a notice whose sender died holding it goes out once its claim may be taken over', async () => {
    await ingestOrderEvent(deps(recordingQueue()), shop, paid('H4'));
    const claimedAt = stack.clock.now();
    const step = await confirmationStep('H4');
    const claim = await claimFollowUp(stack.table, step, 'dead', claimedAt, claimedAt);
    expect(claim.claimed).toBe(true);
    // Its queue message comes back while the claim is live: the receiving sender sends nothing,
    // but puts the notice in the due index for when the claim goes stale.
    await createSendQueue(stack.sqs, stack.queueUrl).enqueue([confirmation('H4')]);
    await stack.runDue();
    expect(stack.outbox.list({ orderId: 'H4' })).toEqual([]);
    const staleAt = new Date(claimedAt.getTime() + CLAIM_TIMEOUT_MS + 1000).toISOString();
    expect(await dueEntries()).toContain(
      `SHOP#demo#ORDER#H4 FOLLOWUP#order-confirmation#confirmation ${staleAt}`,
    );
    await stack.advanceTo(new Date(staleAt));
    expect(stack.outbox.list({ orderId: 'H4' }).map((m) => m.flow)).toEqual(['order-confirmation']);
    expect(
      (await dueEntries()).filter((e) => e.includes('#H4 FOLLOWUP#order-confirmation')),
    ).toEqual([]);
  });

  it('a local stack restarted on its table sends what its queue held when it stopped', async () => {
    const tableName = `followups-${randomUUID()}`;
    const first = await startTestStack({ tableName, clockStart: '2026-11-22T02:40:00Z' });
    await first.putShop({
      shop,
      webhookSecrets: [DEMO_WEBHOOK_SECRET],
      adminTokenHashes: [],
    });
    // Queued and handed to the emulator, which forgets it when the process stops.
    await ingestOrderEvent(
      { table: first.table, clock: first.clock, queue: recordingQueue() },
      shop,
      paid('H5'),
    );
    await first.stop();
    const second = await startTestStack({ tableName, clockStart: '2026-11-22T02:40:00Z' });
    try {
      await second.runDue();
      expect(second.outbox.list({ orderId: 'H5' }).map((m) => m.flow)).toEqual([
        'order-confirmation',
      ]);
    } finally {
      await second.stop();
    }
  });
});
