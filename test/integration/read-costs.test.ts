import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readContactLog, writeContactLog } from '../../functions/store/contact-log-store.ts';
import { contactLogKey } from '../../functions/store/table.ts';
import type { LocalStack } from '../../local/stack.ts';
import { customer, emit, hoursAfter, nextLocal, sent } from '../support/flow-helpers.ts';
import { putDemoShop, startTestStack } from '../support/test-stack.ts';

/** Every item read, as "<command> <item kind> <consistent|eventual>", in order. */
let reads: string[] = [];
let stack: LocalStack;
beforeAll(async () => {
  stack = await startTestStack({
    instrument: (doc) =>
      doc.middlewareStack.add(
        (next, context) => async (args) => {
          const input = args.input as {
            Key?: { sk?: string };
            ExpressionAttributeValues?: { ':pk'?: string };
            IndexName?: string;
            ConsistentRead?: boolean;
          };
          const name = context.commandName ?? '';
          if ((name === 'GetItemCommand' || name === 'QueryCommand') && !input.IndexName) {
            const kind =
              name === 'QueryCommand'
                ? String(input.ExpressionAttributeValues?.[':pk']).includes('#ORDER#')
                  ? 'order'
                  : 'other'
                : String(input.Key?.sk);
            reads.push(`${name} ${kind} ${input.ConsistentRead ? 'consistent' : 'eventual'}`);
          }
          return next(args);
        },
        { step: 'initialize', name: 'recordReads' },
      ),
  });
  await putDemoShop(stack, {
    adjust: (settings) => {
      settings.flows.satisfactionSurvey.enabled = false;
    },
  });
});
afterAll(async () => {
  await stack?.stop();
});
beforeEach(() => {
  reads = [];
});

/** What intake reads for one event posted at the clock's now (so no clock move runs with it). */
const intakeReads = async (run: () => Promise<void>) => {
  reads = [];
  await run();
  return reads.filter((r) => !r.includes(' other ') && !r.includes('SHOP#'));
};

describe('what intake reads per event', () => {
  it('reads the order eventually consistent, and again consistently only when it becomes paid', async () => {
    const at = nextLocal(stack, '11:00');
    const who = customer('CR1');
    await stack.advanceTo(at);
    expect(
      await intakeReads(() => emit(stack, 'order.created', 'R1', at, { customer: who })),
    ).toEqual(['QueryCommand order eventual', 'GetItemCommand CUSTOMER eventual']);
    await stack.advanceTo(hoursAfter(at, 0.2));
    expect(
      await intakeReads(() =>
        emit(stack, 'order.paid', 'R1', hoursAfter(at, 0.2), { customer: who }),
      ),
    ).toEqual([
      'QueryCommand order eventual',
      // The payment report credits reminders sent until now, so it reads them all.
      'QueryCommand order consistent',
      'GetItemCommand CUSTOMER eventual',
    ]);
  });

  it('leaves the customer history alone for an event that changes none of it', async () => {
    const at = nextLocal(stack, '11:00');
    await emit(stack, 'order.paid', 'R2', at, { customer: customer('CR2') });
    await stack.advanceTo(hoursAfter(at, 2));
    expect(await intakeReads(() => emit(stack, 'order.shipped', 'R2', hoursAfter(at, 2)))).toEqual([
      'QueryCommand order eventual',
    ]);
  });
});

describe('the contact log', () => {
  it('is read eventually consistent by a sender that delivers', async () => {
    const at = nextLocal(stack, '11:00');
    await emit(stack, 'order.paid', 'R3', at, { customer: customer('CR3') });
    reads = [];
    await stack.runDue();
    expect(sent(stack, 'R3', 'order-confirmation')).toHaveLength(1);
    expect(reads.filter((r) => r.includes('CONTACT_LOG'))).toEqual([
      'GetItemCommand CONTACT_LOG eventual',
    ]);
  });

  it('confirms a skip it read from the log on a consistent read first', async () => {
    const at = nextLocal(stack, '11:00');
    const who = customer('CR4');
    for (const id of ['R4-a', 'R4-b']) {
      await emit(stack, 'order.paid', id, hoursAfter(at, -30), { customer: who });
    }
    for (const id of ['R4-a', 'R4-b']) await emit(stack, 'order.delivered', id, at);
    reads = [];
    await stack.advanceTo(hoursAfter(at, 5 * 24));
    // One care tip takes the day's marketing slot; the other is skipped on a consistent read.
    expect(sent(stack, 'R4-a', 'care-tips').length + sent(stack, 'R4-b', 'care-tips').length).toBe(
      1,
    );
    const logReads = reads.filter((r) => r.includes('CONTACT_LOG'));
    const confirmations = logReads.filter((r, i) => r.endsWith('consistent') && i > 0);
    expect(confirmations.length).toBeGreaterThan(0);
    // Each consistent read confirms what an eventually consistent one just suggested.
    for (const [i, r] of logReads.entries()) {
      if (r.endsWith('consistent'))
        expect(logReads[i - 1]).toBe('GetItemCommand CONTACT_LOG eventual');
    }
  });

  it('is stored packed, and a log written plainly before that is still read', async () => {
    const entry = {
      at: '2026-11-22T03:00:00.000Z',
      channel: 'sms' as const,
      category: 'transactional' as const,
      flow: 'shipping-notice',
      step: 'shipped',
      orderId: 'R5',
      address: '+8613800138000',
      textHash: '0123456789abcdef',
      messageId: 'msg_r5',
    };
    await writeContactLog(stack.table, 'demo', 'CR5', [entry], 0, new Date('2026-11-01'));
    const { Item } = await stack.table.doc.send(
      new GetCommand({ TableName: stack.table.tableName, Key: contactLogKey('demo', 'CR5') }),
    );
    expect(Item?.body).toBeInstanceOf(Uint8Array);
    expect(Item?.entries).toBeUndefined();
    expect(await readContactLog(stack.table, 'demo', 'CR5')).toEqual({
      entries: [entry],
      version: 1,
    });
    await stack.table.doc.send(
      new PutCommand({
        TableName: stack.table.tableName,
        Item: {
          ...contactLogKey('demo', 'CR6'),
          type: 'contact-log',
          entries: [entry],
          version: 4,
        },
      }),
    );
    expect(await readContactLog(stack.table, 'demo', 'CR6')).toEqual({
      entries: [entry],
      version: 4,
    });
  });
});
