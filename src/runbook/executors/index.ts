import { autoscalingExecutor } from '../../kinds/autoscaling/executor.js';
import { docdbExecutor } from '../../kinds/docdb/executor.js';
import { ecsExecutor } from '../../kinds/ecs/executor.js';
import { elasticacheExecutor } from '../../kinds/elasticache/executor.js';
import { lambdaExecutor } from '../../kinds/lambda/executor.js';
import type { Step } from '../../plan/schema.js';
import { arcExecutor } from './arc.js';
import { auroraExecutor } from './aurora.js';
import { notifyExecutor, verifyExecutor, waitExecutor } from './control.js';
import { dynamoDbExecutor, s3Executor } from './data.js';
import { ec2Executor } from './ec2.js';
import { withStopRecovery } from './ec2-stop.js';
import { rdsPromoteExecutor } from './rds.js';
import { route53Executor } from './route53.js';
import type { ExecutorRegistry, StepContext, StepExecutor } from './types.js';

export type { ExecutorRegistry, Facts, Observation, StepContext, StepExecutor } from './types.js';

/** One executor per step kind: the default, AWS-backed set. */
export const defaultExecutors: ExecutorRegistry = {
  'aurora-global': auroraExecutor,
  'rds-promote-replica': rdsPromoteExecutor,
  ec2: withStopRecovery(ec2Executor),
  'dynamodb-global-table': dynamoDbExecutor,
  s3: s3Executor,
  route53: route53Executor,
  'arc-routing-control': arcExecutor,
  'autoscaling-group': autoscalingExecutor,
  'ecs-service': ecsExecutor,
  'lambda-invoke': lambdaExecutor,
  'elasticache-global-datastore': elasticacheExecutor,
  'docdb-global-cluster': docdbExecutor,
  wait: waitExecutor,
  verify: verifyExecutor,
  notify: notifyExecutor,
};

/** The executor for a step, typed for the generic driver. */
export function executorFor(registry: ExecutorRegistry, step: Step): StepExecutor<Step> {
  return registry[step.kind] as unknown as StepExecutor<Step>;
}

export type AnyStepContext = StepContext<Step>;
