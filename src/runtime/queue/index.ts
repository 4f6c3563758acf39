export { backoffDelay } from "./backoff";
export { claimJobs, reapExpired, releaseDeadOwners } from "./claim";
export { enqueueJobs, type NewJob } from "./enqueue";
export { QueueRunner } from "./runner";
export type { ClaimedJob, HandOffTaker, Job, JobContext, JobHandler, QueueOptions } from "./types";
export { Wake, WAKE_CHANNEL } from "./wake";
export { queueDepth, queueOldest, type QueueDepth } from "./depth";
export { JobDeferred, isJobDeferred } from "./defer";
