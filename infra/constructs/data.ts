import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { tableDefinition } from '../../functions/store/table.ts';
import type { StageConfig } from '../stage-config.ts';

/**
 * The single table, keyed and indexed exactly as functions/store/table.ts defines it (the local
 * stack creates its table from the same definition).
 */
export class FollowUpData extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: { config: StageConfig }) {
    super(scope, id);
    const definition = tableDefinition('unused');
    const typeOf = (name: string) => {
      const attr = definition.AttributeDefinitions.find((a) => a.AttributeName === name);
      if (!attr) throw new Error(`attribute ${name} is not defined in functions/store/table.ts`);
      return attr.AttributeType === 'S' ? AttributeType.STRING : AttributeType.NUMBER;
    };
    const key = (schema: { AttributeName: string; KeyType: string }[], kind: 'HASH' | 'RANGE') => {
      const k = schema.find((s) => s.KeyType === kind);
      if (!k) throw new Error(`no ${kind} key in functions/store/table.ts`);
      return { name: k.AttributeName, type: typeOf(k.AttributeName) };
    };
    this.table = new Table(this, 'Table', {
      partitionKey: key(definition.KeySchema, 'HASH'),
      sortKey: key(definition.KeySchema, 'RANGE'),
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: props.config.deletionProtection,
      timeToLiveAttribute: 'expiresAt',
      stream: StreamViewType[definition.StreamSpecification.StreamViewType],
      removalPolicy: props.config.removalPolicy,
    });
    for (const index of definition.GlobalSecondaryIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.IndexName,
        partitionKey: key(index.KeySchema, 'HASH'),
        sortKey: key(index.KeySchema, 'RANGE'),
        projectionType: ProjectionType.KEYS_ONLY,
      });
    }
  }
}
