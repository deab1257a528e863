import type { Logger } from '@aws-lambda-powertools/logger';
import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { runDueGreetings } from '../use-cases/run-greetings.ts';
import { runDueSweeps, type SweepDeps } from '../use-cases/run-payment-sweep.ts';

export interface SweepHandlerDeps extends SweepDeps {
  logger: Logger;
  /** The schedule's period: each run covers the sweeps that fell due since the previous one. */
  intervalMs: number;
}

export interface SweepRun {
  from: string;
  to: string;
  sweeps: { shopId: string; at: string; chased: number; leftOut: number }[];
  greetings: { shopId: string; at: string; planned: number; leftOut: number }[];
}

/**
 * The daily jobs: payment sweeps and greeting plans, per shop at its own local time; re-running
 * a period chases or greets no one twice.
 */
export const createSweepHandler = (deps: SweepHandlerDeps) =>
  middy<ScheduledEvent | { from?: string; to?: string } | undefined, SweepRun>().handler(
    async (event) => {
      const input = (event ?? {}) as { from?: string; to?: string };
      const to = input.to ? new Date(input.to) : deps.clock.now();
      const from = input.from ? new Date(input.from) : new Date(to.getTime() - deps.intervalMs);
      const reports = await runDueSweeps(deps, from, to);
      const sweeps = reports.map((r) => ({
        shopId: r.shopId,
        at: r.at,
        chased: r.decisions.filter((d) => d.chase).length,
        leftOut: r.decisions.filter((d) => !d.chase).length,
      }));
      for (const s of sweeps) deps.logger.info('payment sweep', s);
      // Greetings are planned by the same daily-jobs schedule, the day before each occasion.
      const greetings = (await runDueGreetings(deps, from, to)).map((g) => ({
        shopId: g.shopId,
        at: g.at,
        planned: g.planned,
        leftOut: g.leftOut.length,
      }));
      for (const g of greetings) deps.logger.info('greetings planned', g);
      return { from: from.toISOString(), to: to.toISOString(), sweeps, greetings };
    },
  );
