import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Lifeboat's DynamoDB DocumentClient, kept apart from dynalite (dynamo.ts) so that the DynamoDB
 * thread (dynamo-worker.ts) loads only the SDK.
 */

export interface StateEndpoint {
  /** Endpoint override (embedded dynalite); undefined = the SDK's own resolution (AWS_ENDPOINT_URL_DYNAMODB or AWS). */
  readonly endpoint: string | undefined;
  readonly region: string;
}

/** The one DocumentClient the stores share. Embedded dynalite needs static dummy credentials. */
export function createDocumentClient(state: StateEndpoint): DynamoDBDocumentClient {
  const config: DynamoDBClientConfig = { region: state.region, maxAttempts: 5 };
  if (state.endpoint) {
    config.endpoint = state.endpoint;
    config.credentials = { accessKeyId: 'embedded', secretAccessKey: 'embedded' };
  }
  return DynamoDBDocumentClient.from(new DynamoDBClient(config), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}
