import type { Logger } from '@aws-lambda-powertools/logger';
import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { advanceJobMark, readJobMark } from '../store/job-mark-store.ts';
import { runDueGreetings } from '../use-cases/run-greetings.ts';
import { runDueSweeps, type SweepDeps } from '../use-cases/run-payment-sweep.ts';

export interface SweepHandlerDeps extends SweepDeps {
  logger: Logger;
  /** The schedule's period: each run covers the sweeps that fell due since the previous one. */
  intervalMs: number;
  /**
   * How far back a scheduled run reaches for periods that earlier runs did not finish (an
   * invocation that failed all its retries, or one Lambda dropped). Older ones are reported, not
   * run: a payment sweep that late would chase at the wrong time of day.
   */
  maxCatchUpMs: number;
}

export interface SweepRun {
  from: string;
  to: string;
  sweeps: { shopId: string; at: string; chased: number; leftOut: number }[];
  greetings: { shopId: string; at: string; planned: number; leftOut: number }[];
}

/** The default reach of SweepHandlerDeps.maxCatchUpMs: 6 hours. */
export const SWEEP_MAX_CATCH_UP_MS = 6 * 3_600_000;

/** A period given explicitly: an operator's re-run, or the local scheduler's clock moves. */
interface SweepPeriod {
  from?: string;
  to?: string;
}

/** The job mark of the scheduled runs: how far the daily jobs have run without a gap. */
export const DAILY_JOBS = 'daily-jobs';

const isScheduled = (event: unknown): event is ScheduledEvent =>
  typeof (event as ScheduledEvent | undefined)?.time === 'string' &&
  (event as ScheduledEvent)['detail-type'] === 'Scheduled Event';

/**
 * The daily jobs: payment sweeps and greeting plans, per shop at its own local time; re-running
 * a period chases or greets no one twice.
 *
 * A scheduled run covers the period that ends at its scheduled time (the event's `time`, which
 * Lambda's retries of it keep), and reaches back to where the last finished run ended, so a run
 * that failed or never came leaves no hole.
 */
export const createSweepHandler = (deps: SweepHandlerDeps) =>
  middy<ScheduledEvent | SweepPeriod | undefined, SweepRun>().handler(async (event) => {
    const scheduled = isScheduled(event);
    const input: SweepPeriod = scheduled ? {} : (event ?? {});
    const to = scheduled ? new Date(event.time) : input.to ? new Date(input.to) : deps.clock.now();
    let from = input.from ? new Date(input.from) : new Date(to.getTime() - deps.intervalMs);
    if (scheduled) {
      const through = await readJobMark(deps.table, DAILY_JOBS);
      const earliest = new Date(to.getTime() - deps.maxCatchUpMs);
      if (through && through < from) {
        if (through < earliest)
          deps.logger.error('daily jobs missed a period too old to run now', {
            from: through.toISOString(),
            to: earliest.toISOString(),
          });
        from = through < earliest ? earliest : through;
        deps.logger.warn('daily jobs catch up a period an earlier run missed', {
          from: from.toISOString(),
        });
      }
    }
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
    if (scheduled) await advanceJobMark(deps.table, DAILY_JOBS, to);
    return { from: from.toISOString(), to: to.toISOString(), sweeps, greetings };
  });
