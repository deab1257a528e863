import { startFauxqs } from 'fauxqs';

/** fauxqs: an SQS emulator in this process, with visibility timeouts and DLQ redrive. */
export const startSqsLocal = async (): Promise<{ endpoint: string; stop(): Promise<void> }> => {
  const server = await startFauxqs({ port: 0, logger: false });
  return { endpoint: server.address, stop: () => server.stop() };
};
