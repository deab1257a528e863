import { expect } from 'vitest';
import type { LocalStack } from '../../local/stack.ts';

// biome-ignore lint/suspicious/noExplicitAny: the tests read whatever the API answered
type Json = Record<string, any>;

export const apiCall = async (
  stack: LocalStack,
  method: string,
  path: string,
  token: string,
  body?: unknown,
): Promise<{ status: number; body: Json }> => {
  const response = await fetch(`${stack.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, body: (await response.json()) as Json };
};

/**
 * Publishes a shop's own words for an SMS template that goes through a reviewing provider: the
 * version waits for the review (202), and is returned for the caller to record a verdict on.
 */
export const publishForReview = async (
  stack: LocalStack,
  token: string,
  shopId: string,
  key: string,
  text: string,
) => {
  const base = `/v1/shops/${shopId}/templates/${key}`;
  const saved = await apiCall(stack, 'PUT', `${base}/draft`, token, { text });
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  const published = await apiCall(stack, 'POST', `${base}/publish`, token);
  expect(published.status, JSON.stringify(published.body)).toBe(202);
  expect(published.body.status).toBe('pending_provider_review');
  return published.body.version as number;
};

/** Records a provider's approval by hand, as a shop pastes the code back from its console. */
export const recordApproval = async (
  stack: LocalStack,
  token: string,
  shopId: string,
  key: string,
  version: number,
  provider: 'aliyun' | 'tencent',
  code: string,
) => {
  const answer = await apiCall(
    stack,
    'PUT',
    `/v1/shops/${shopId}/templates/${key}/versions/${version}/provider-review/${provider}`,
    token,
    { state: 'approved', code },
  );
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body;
};
