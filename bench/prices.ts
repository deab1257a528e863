/**
 * us-east-1 list prices the cost projection uses, as of the date below. Change them here only.
 * Sources: aws.amazon.com/dynamodb/pricing/on-demand, /sqs/pricing, /lambda/pricing, /eventbridge/pricing.
 */
export const PRICES = {
  asOf: '2026-05-01',
  region: 'us-east-1',
  dynamoDbPerMillionWriteUnits: 0.625,
  dynamoDbPerMillionReadUnits: 0.125,
  sqsPerMillionRequests: 0.4,
  lambdaArm64PerGbSecond: 0.0000133334,
  lambdaPerMillionRequests: 0.2,
  /** aws.amazon.com/eventbridge/pricing: scheduled invocations (creating and deleting are free). */
  schedulerPerMillionInvocations: 1.0,
} as const;

/**
 * Memory of every function as deployed: infra/constructs/followup-function.ts defaults
 * `memorySize` to 512 MB and infra/followup-stack.ts overrides it for none of them.
 */
export const LAMBDA_MEMORY_MB = {
  intake: 512,
  admin: 512,
  dispatcher: 512,
  sweep: 512,
  sender: 512,
  'flow-stats': 512,
  timer: 512,
} as const;

/**
 * Not measured here (the local timers answer in memory): what one CreateSchedule or DeleteSchedule
 * call is assumed to add to the billed duration of the function that makes it, an in-Region API
 * call. The lifecycle bench bills every arm and disarm at this.
 */
export const SCHEDULER_CALL_MS = 40;

/** Cost targets of a standard lifecycle (5 events, 4 messages), from issue 6. */
export const TARGETS = {
  writeUnitsPerOrder: 30,
  readUnitsPerOrder: 15,
  sqsRequestsPerMessage: 1.5,
  dollarsPer1000Orders: 0.03,
} as const;
