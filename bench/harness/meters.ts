import type { SQSClient } from '@aws-sdk/client-sqs';
import type { LocalStackOptions } from '../../local/stack.ts';

export interface SqsCounts {
  /** Requests a deployment pays for per message: send, non-empty receive, delete, visibility. */
  perMessage: number;
  /** Receives that found nothing: in AWS, Lambda's pollers make these at a fixed rate. */
  emptyReceives: number;
  /** Local-only bookkeeping (queue depth for draining); not made in AWS. */
  localOnly: number;
  byCommand: Record<string, number>;
  messagesReceived: number;
}

/** Counts SQS requests at the client, by command, the way SQS bills them (one per API call). */
export const countSqs = (sqs: SQSClient) => {
  const counts: SqsCounts = {
    perMessage: 0,
    emptyReceives: 0,
    localOnly: 0,
    byCommand: {},
    messagesReceived: 0,
  };
  sqs.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const name = context.commandName ?? 'unknown';
      counts.byCommand[name] = (counts.byCommand[name] ?? 0) + 1;
      if (name === 'GetQueueAttributesCommand') counts.localOnly++;
      else if (name === 'ReceiveMessageCommand') {
        const n = (result.output as { Messages?: unknown[] }).Messages?.length ?? 0;
        counts.messagesReceived += n;
        if (n === 0) counts.emptyReceives++;
        else counts.perMessage++;
      } else counts.perMessage++;
      return result;
    },
    { step: 'initialize', name: 'countSqs' },
  );
  return {
    counts,
    reset() {
      Object.assign(counts, {
        perMessage: 0,
        emptyReceives: 0,
        localOnly: 0,
        byCommand: {},
        messagesReceived: 0,
      });
    },
  };
};

export interface InvocationCounts {
  [fn: string]: { invocations: number; ms: number; billedMs: number };
}

/** Counts and times every Lambda handler call (billed per started millisecond). */
export const countInvocations = () => {
  const counts: InvocationCounts = {};
  const wrapHandler: NonNullable<LocalStackOptions['wrapHandler']> =
    (name, handler) => async (event, context) => {
      const started = performance.now();
      try {
        return await handler(event, context);
      } finally {
        const ms = performance.now() - started;
        const c = counts[name] ?? { invocations: 0, ms: 0, billedMs: 0 };
        c.invocations++;
        c.ms += ms;
        c.billedMs += Math.ceil(ms);
        counts[name] = c;
      }
    };
  return {
    counts,
    wrapHandler,
    reset() {
      for (const k of Object.keys(counts)) delete counts[k];
    },
  };
};
