/** The simulated EC2 Auto Scaling state (model: autoscaling.ts). */

export interface AsgInstance {
  id: string;
  az: string;
  lifecycle: 'Pending' | 'InService' | 'Terminating';
  health: 'Healthy' | 'Unhealthy';
}
export interface AsgActivity {
  id: string;
  group: string;
  region: string;
  description: string;
  cause: string;
  start: number;
  end?: number;
  status: 'InProgress' | 'Successful' | 'Failed';
  message?: string;
}
export interface AsgGroup {
  name: string;
  region: string;
  arn: string;
  min: number;
  max: number;
  desired: number;
  launchTemplate: { id: string; version: string };
  subnets: string[];
  instances: AsgInstance[];
  createdAt: number;
  /** Clock time of the last launch attempt (a failed one is retried after LAUNCH_RETRY_MS simulated). */
  lastAttempt?: number;
  /** Why the desired capacity last changed, for the next activity's Cause. */
  cause?: string;
}
export interface AutoscalingState {
  groups: Map<string, AsgGroup>;
  activities: AsgActivity[];
  /** Regions (or `region/instanceType`) where EC2 has no On-Demand capacity: launches fail (scenarios). */
  shortages: Set<string>;
}

export const createAutoscalingState = (): AutoscalingState => ({
  groups: new Map(),
  activities: [],
  shortages: new Set(),
});
