import type {
  ConfirmSubscriptionCommandInput,
  ConfirmSubscriptionCommandOutput,
  CreateTopicCommandInput,
  CreateTopicCommandOutput,
  PublishCommandInput,
  PublishCommandOutput,
  SubscribeCommandInput,
  SubscribeCommandOutput,
} from '@aws-sdk/client-sns';
import { awsError } from './errors.js';
import type { Registry } from './registry.js';
import type { SnsModel } from './sns.js';

export function registerSns(registry: Registry, sns: SnsModel): void {
  registry
    .on<CreateTopicCommandInput, CreateTopicCommandOutput>('sns:CreateTopic', (input, { world, region }) => ({
      TopicArn: sns.ensureTopic(`arn:aws:sns:${region}:${world.account}:${input.Name ?? ''}`).arn,
    }))
    .on<PublishCommandInput, PublishCommandOutput>('sns:Publish', (input, { region }) => {
      const arn = input.TopicArn ?? input.TargetArn;
      sns.topic(arn, region);
      if (!input.Message)
        throw awsError('sns', 'InvalidParameterException', 'Invalid parameter: Empty message');
      let message = input.Message;
      if (input.MessageStructure === 'json') {
        const parsed = JSON.parse(message) as Record<string, string>;
        if (typeof parsed.default !== 'string')
          throw awsError(
            'sns',
            'InvalidParameterException',
            'Invalid parameter: Message Structure - No default entry in JSON message body',
          );
        message = parsed.default;
      }
      return { MessageId: sns.publish(arn ?? '', message, input.Subject, input.MessageAttributes) };
    })
    .on<SubscribeCommandInput, SubscribeCommandOutput>('sns:Subscribe', (input, { region }) => {
      sns.topic(input.TopicArn, region);
      const sub = sns.subscribe(
        input.TopicArn ?? '',
        input.Protocol ?? '',
        input.Endpoint ?? '',
        input.Attributes?.RawMessageDelivery === 'true',
      );
      return {
        SubscriptionArn: sub.confirmed || input.ReturnSubscriptionArn ? sub.arn : 'pending confirmation',
      };
    })
    .on<ConfirmSubscriptionCommandInput, ConfirmSubscriptionCommandOutput>(
      'sns:ConfirmSubscription',
      (input, { region }) => {
        sns.topic(input.TopicArn, region);
        return { SubscriptionArn: sns.confirm(input.TopicArn ?? '', input.Token ?? '') };
      },
    );
}
