import type {
  AttributeValue,
  DescribeStreamCommandInput,
  DescribeStreamCommandOutput,
  GetRecordsCommandInput,
  GetRecordsCommandOutput,
  GetShardIteratorCommandInput,
  GetShardIteratorCommandOutput,
} from '@aws-sdk/client-dynamodb-streams';
import { PARTITION_KEY, tableArn } from './dynamodb.js';
import { awsError } from './errors.js';
import type { Registry } from './registry.js';
import type { TableReplica, World } from './world.js';

type Image = Record<string, AttributeValue>;

function streamOf(w: World, region: string, arn: string | undefined): TableReplica {
  const t = [...w.dynamodb.replicas.values()].find(
    (r) => r.region === region && `${tableArn(w, r)}/stream/${r.streamLabel}` === arn,
  );
  if (!t)
    throw awsError(
      'dynamodb-streams',
      'ResourceNotFoundException',
      `Requested resource not found: Stream: ${arn ?? ''} not found`,
    );
  return t;
}

const shardId = (t: TableReplica) =>
  `shardId-00000001700000000000-${t.tableId
    .replace(/[^0-9a-f]/g, '')
    .slice(0, 8)
    .padEnd(8, '0')}`;

interface Iterator {
  arn: string;
  position: number;
}
const encode = (it: Iterator) => Buffer.from(JSON.stringify(it), 'utf8').toString('base64');
function decode(text: string | undefined): Iterator {
  try {
    return JSON.parse(Buffer.from(text ?? '', 'base64').toString('utf8')) as Iterator;
  } catch {
    throw awsError('dynamodb-streams', 'ValidationException', 'Invalid ShardIterator');
  }
}

/** One shard per replica's stream, holding every local and replicated write (NEW_AND_OLD_IMAGES). */
export function registerDynamoDbStreams(registry: Registry): void {
  registry
    .on<DescribeStreamCommandInput, DescribeStreamCommandOutput>(
      'dynamodb-streams:DescribeStream',
      (input, { world, region }) => {
        const t = streamOf(world, region, input.StreamArn);
        return {
          StreamDescription: {
            StreamArn: input.StreamArn,
            StreamLabel: t.streamLabel,
            StreamStatus: 'ENABLED',
            StreamViewType: 'NEW_AND_OLD_IMAGES',
            CreationRequestDateTime: new Date(t.createdAt),
            TableName: t.name,
            KeySchema: [{ AttributeName: PARTITION_KEY, KeyType: 'HASH' }],
            Shards: [
              {
                ShardId: shardId(t),
                SequenceNumberRange: { StartingSequenceNumber: t.stream[0]?.seq ?? '000000000000000000001' },
              },
            ],
          },
        };
      },
    )
    .on<GetShardIteratorCommandInput, GetShardIteratorCommandOutput>(
      'dynamodb-streams:GetShardIterator',
      (input, { world, region }) => {
        const t = streamOf(world, region, input.StreamArn);
        if (input.ShardId !== shardId(t))
          throw awsError(
            'dynamodb-streams',
            'ResourceNotFoundException',
            `Requested resource not found: Shard: ${input.ShardId ?? ''} not found`,
          );
        const at = t.stream.findIndex((r) => r.seq === input.SequenceNumber);
        const position =
          input.ShardIteratorType === 'LATEST'
            ? t.stream.length
            : input.ShardIteratorType === 'AT_SEQUENCE_NUMBER'
              ? Math.max(at, 0)
              : input.ShardIteratorType === 'AFTER_SEQUENCE_NUMBER'
                ? at + 1
                : 0;
        return { ShardIterator: encode({ arn: input.StreamArn ?? '', position }) };
      },
    )
    .on<GetRecordsCommandInput, GetRecordsCommandOutput>(
      'dynamodb-streams:GetRecords',
      (input, { world, region }) => {
        const it = decode(input.ShardIterator);
        const t = streamOf(world, region, it.arn);
        const records = t.stream.slice(it.position, it.position + Math.min(input.Limit ?? 1000, 1000));
        return {
          Records: records.map((r) => ({
            eventID: `${r.seq.slice(-12)}${t.tableId.slice(0, 20)}`,
            eventName: r.eventName,
            eventVersion: '1.1',
            eventSource: 'aws:dynamodb',
            awsRegion: t.region,
            dynamodb: {
              ApproximateCreationDateTime: new Date(Math.floor(r.at / 1000) * 1000),
              Keys: r.keys as Image,
              ...(r.newImage ? { NewImage: r.newImage as Image } : {}),
              ...(r.oldImage ? { OldImage: r.oldImage as Image } : {}),
              SequenceNumber: r.seq,
              SizeBytes: JSON.stringify(r.newImage ?? r.keys).length,
              StreamViewType: 'NEW_AND_OLD_IMAGES',
            },
          })),
          NextShardIterator: encode({ arn: it.arn, position: it.position + records.length }),
        };
      },
    );
}
