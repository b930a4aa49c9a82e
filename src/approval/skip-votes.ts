/**
 * Who agreed to skip a paused step, per step and attempt: one item per person, stored like approvals
 * (`EXEC#<id>#SKIP#<step>#<attempt>` / `APPROVAL#<user>`, `attribute_not_exists`). Votes for an earlier
 * attempt never count for a later one.
 */
export const skipVoteKey = (executionId: string, stepId: string, attempt: number) =>
  `${executionId}#SKIP#${stepId}#${attempt}`;
