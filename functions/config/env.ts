import { ConfigurationError } from '../domain/errors.ts';

/** Every environment variable is read here, and a missing one stops the cold start with its name. */
export const requireEnv = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new ConfigurationError(`environment variable ${name} is required but not set`);
  }
  return value;
};

export const optionalEnv = (name: string, fallback: string): string => {
  const value = process.env[name];
  return value === undefined || value === '' ? fallback : value;
};

export const numberEnv = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value)) {
    throw new ConfigurationError(`environment variable ${name} must be a number, got '${raw}'`);
  }
  return value;
};
