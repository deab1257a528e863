import type { ConsoleConfig } from './config-types.ts';

export type { ConsoleConfig };

export const loadConfig = async (): Promise<ConsoleConfig> => {
  const response = await fetch('config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`config.json answered ${response.status}`);
  return (await response.json()) as ConsoleConfig;
};
