/**
 * Lambda retries a failed asynchronous invocation (what EventBridge schedules make) twice before
 * it gives up on that event: the local scheduler runs the dispatcher and the sweep the same way.
 */
export const ASYNC_INVOKE_RETRIES = 2;

/**
 * Runs `work`, and again up to `retries` times while it fails; `onRetry` hears each failure that
 * is followed by another attempt. The last failure is thrown.
 */
export const withRetries = async <T>(
  work: () => Promise<T>,
  onRetry: (err: unknown, attempt: number) => void,
  retries = ASYNC_INVOKE_RETRIES,
): Promise<T> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (attempt > retries) throw err;
      onRetry(err, attempt);
    }
  }
};
