/** The simulated ECS and ECR state (model: ecs.ts). */

export interface EcsTask {
  id: string;
  state: 'PENDING' | 'RUNNING';
}
export interface EcsServiceModel {
  cluster: string;
  name: string;
  region: string;
  arn: string;
  status: 'ACTIVE' | 'DRAINING' | 'INACTIVE';
  desired: number;
  taskDefinition: string;
  launchType: 'FARGATE' | 'EC2';
  tasks: EcsTask[];
  /** Newest last here; listed newest first. */
  events: { id: string; at: number; message: string }[];
  createdAt: number;
  /** Clock time of the last failed start (retried after the model's interval). */
  failedAt?: number;
}
export interface EcsTaskDefinition {
  arn: string;
  region: string;
  family: string;
  revision: number;
  cpu: string;
  memory: string;
  containers: { name: string; image: string }[];
}
export interface EcrRepository {
  region: string;
  name: string;
  images: { tag: string; digest: string }[];
}
export interface EcsState {
  clusters: Set<string>;
  services: Map<string, EcsServiceModel>;
  taskDefinitions: Map<string, EcsTaskDefinition>;
  repositories: Map<string, EcrRepository>;
}

export const createEcsState = (): EcsState => ({
  clusters: new Set(),
  services: new Map(),
  taskDefinitions: new Map(),
  repositories: new Map(),
});
