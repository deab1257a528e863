import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../functions/http/admin-auth.ts';
import { DEMO_ADMIN_TOKEN, type LocalStack } from '../../local/stack.ts';
import { orderData } from '../support/fixtures.ts';
import {
  advance,
  postEvent,
  putDemoShop,
  startTestStack,
  timeline,
} from '../support/test-stack.ts';

const STAFF_SECRET = 'whsec_c3RhZmYtd2ViaG9vay1zZWNyZXQtZm9yLXRlc3RzIQ==';

/** A shop's staff endpoint that answers from a script, and records what it verified. */
const receiver = () => {
  const script: number[] = [];
  const received: { status: number; type: string; orderId: string; body: string }[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => {
      raw += c;
    });
    req.on('end', () => {
      const status = script.shift() ?? 200;
      const payload = new Webhook(STAFF_SECRET).verify(
        raw,
        req.headers as Record<string, string>,
      ) as {
        type: string;
        orderId: string;
        body: string;
      };
      received.push({ status, type: payload.type, orderId: payload.orderId, body: payload.body });
      res.writeHead(status).end();
    });
  });
  return { server, script, received };
};

let stack: LocalStack;
const staff = receiver();

beforeAll(async () => {
  await new Promise<void>((r) => staff.server.listen(0, '127.0.0.1', () => r()));
  stack = await startTestStack({ maxReceiveCount: 3, visibilityTimeoutSeconds: 1 });
  await putDemoShop(stack, {
    adminTokenHashes: [sha256Hex(DEMO_ADMIN_TOKEN)],
    staffWebhook: {
      url: `http://127.0.0.1:${(staff.server.address() as AddressInfo).port}/hooks`,
      secret: STAFF_SECRET,
    },
  });
});
afterAll(async () => {
  await stack?.stop();
  staff.server.close();
});

const bigOrder = (id: string, createdAt: string) => ({
  id: `evt_${id}`,
  type: 'order.created',
  occurredAt: createdAt,
  order: orderData({ id, createdAt, payBy: undefined, total: '1500.00' }),
});

describe('send pipeline through the staff webhook', () => {
  it('turns a large unpaid order into a signed call task, retrying a failing endpoint until it answers', async () => {
    staff.script.push(503, 503);
    await postEvent(stack, bigOrder('W1', '2026-11-22T10:00:00+08:00'));
    await advance(stack, { advance: 'PT31M' });
    const calls = staff.received.filter((r) => r.orderId === 'W1');
    expect(calls.map((c) => c.status)).toEqual([503, 503, 200]);
    expect(calls[2]?.type).toBe('followup.call_task');
    expect(calls[2]?.body).toContain('+8613800138000');
    const first = (await timeline(stack, 'W1')).body.followUps.find((f) => f.step === 'first');
    expect(first).toMatchObject({ status: 'sent', channel: 'call', attempts: 3 });
  });

  it('marks a follow-up failed, with the reason, when the endpoint refuses it for good', async () => {
    staff.script.push(410);
    await postEvent(stack, bigOrder('W2', '2026-11-22T10:31:00+08:00'));
    await advance(stack, { advance: 'PT31M' });
    const first = (await timeline(stack, 'W2')).body.followUps.find((f) => f.step === 'first');
    expect(first).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining('answered 410'),
    });
    expect(staff.received.filter((r) => r.orderId === 'W2')).toHaveLength(1);
  });

  it('gives up after the last attempt on an endpoint that keeps failing, and says so', async () => {
    staff.script.push(500, 500, 500);
    await postEvent(stack, bigOrder('W3', '2026-11-22T11:02:00+08:00'));
    await advance(stack, { advance: 'PT31M' });
    const first = (await timeline(stack, 'W3')).body.followUps.find((f) => f.step === 'first');
    expect(first).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/gave up after 3 attempts/),
    });
  });

  it('moves a poison message to the dead-letter queue without touching anything else', async () => {
    await stack.sqs.send(
      new SendMessageCommand({ QueueUrl: stack.queueUrl, MessageBody: '{"not":"a follow-up"}' }),
    );
    await stack.runDue();
    const dlq = await stack.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: stack.deadLetterQueueUrl,
        WaitTimeSeconds: 2,
        MaxNumberOfMessages: 10,
      }),
    );
    expect(dlq.Messages?.map((m) => m.Body)).toEqual(['{"not":"a follow-up"}']);
  });
});
