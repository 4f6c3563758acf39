import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/**
 * The process's Prometheus metrics. One registry per app instance (tests build several apps in one
 * process), created explicitly: importing this module registers nothing.
 */
export type Metrics = ReturnType<typeof createMetrics>;

export const createMetrics = () => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "xin_" }); // process memory, cpu, event loop lag
  return {
    registry,
    httpRequests: new Counter({
      name: "xin_http_requests_total",
      help: "HTTP requests by route, method and status",
      labelNames: ["route", "method", "status"] as const,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: "xin_http_request_duration_seconds",
      help: "HTTP request latency by route",
      labelNames: ["route", "method"] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    channelPollingUp: new Gauge({
      name: "xin_channel_polling_up",
      help: "1 while a polled channel's last poll succeeded, 0 while polling it fails (by channel)",
      labelNames: ["provider", "channel_id"] as const,
      registers: [registry],
    }),
    webhookDeadLetters: new Counter({
      name: "xin_webhook_dead_letter_total",
      help: "signed webhooks acknowledged but kept aside because the store refused their data for good, by provider",
      labelNames: ["provider"] as const,
      registers: [registry],
    }),
    webhookIgnored: new Counter({
      name: "xin_webhook_events_ignored_total",
      help: "provider events acknowledged and not stored, by provider and reason (not_customer: channel posts, service and system notices; unknown_event: kinds xin does not handle; foreign_account)",
      labelNames: ["provider", "reason"] as const,
      registers: [registry],
    }),
    retentionPurged: new Counter({
      name: "xin_retention_purged_total",
      help: "what the retention_purge automation deleted, by what (messages, blobs: attachment files no message or document names any more)",
      labelNames: ["what"] as const,
      registers: [registry],
    }),
    jobOutcomes: new Counter({
      name: "xin_jobs_total",
      help: "finished job runs by kind and outcome (done, retry, deferred, dead)",
      labelNames: ["kind", "outcome"] as const,
      registers: [registry],
    }),
    jobDuration: new Histogram({
      name: "xin_job_duration_seconds",
      help: "job run time by kind",
      labelNames: ["kind"] as const,
      buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60],
      registers: [registry],
    }),
    deliveryInDoubt: new Counter({
      name: "xin_delivery_in_doubt_total",
      help: "sends found in doubt after a crash or a lost answer, by provider and resolution (confirmed by a status webhook, resent, held for an agent)",
      labelNames: ["provider", "resolution"] as const,
      registers: [registry],
    }),
    providerPauses: new Counter({
      name: "xin_provider_pauses_total",
      help: "times a provider's 429, 5xx or timeout paused (or extended the pause of) a channel's sends, by provider",
      labelNames: ["provider"] as const,
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: "xin_queue_jobs",
      help: "jobs in the queue by state and kind (sampled at scrape)",
      labelNames: ["state", "kind"] as const,
      registers: [registry],
    }),
    // Service levels (ops/SLO.md): how long the oldest waiting job and escalation have waited (sampled
    // at scrape, from the store, so every instance reports the same), replies and deliveries.
    queueOldest: new Gauge({
      name: "xin_queue_oldest_job_seconds",
      help: "age of the oldest due job still queued, by kind (0 when none waits; sampled at scrape)",
      labelNames: ["kind"] as const,
      registers: [registry],
    }),
    escalationOldest: new Gauge({
      name: "xin_escalation_oldest_open_seconds",
      help: "age of the oldest escalation no agent has claimed yet (0 when none; sampled at scrape)",
      registers: [registry],
    }),
    replyLatency: new Histogram({
      name: "xin_reply_latency_seconds",
      help: "time from the customer's latest message to a bot reply accepted by the provider, by provider",
      labelNames: ["provider"] as const,
      buckets: [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 900],
      registers: [registry],
    }),
    deliveries: new Counter({
      name: "xin_deliveries_total",
      help: "outbound messages settled, by provider and outcome (sent, failed)",
      labelNames: ["provider", "outcome"] as const,
      registers: [registry],
    }),
    // Answering (orchestrator): LLM usage per tenant, and what became of each customer turn.
    llmTokens: new Counter({
      name: "xin_llm_tokens_total",
      help: "LLM tokens by tenant, model, call kind and token type (prompt, completion)",
      labelNames: ["tenant", "model", "kind", "type"] as const,
      registers: [registry],
    }),
    llmCalls: new Counter({
      name: "xin_llm_calls_total",
      help: "LLM calls by tenant, model and outcome (ok or the error code)",
      labelNames: ["tenant", "model", "outcome"] as const,
      registers: [registry],
    }),
    llmLatency: new Histogram({
      name: "xin_llm_latency_seconds",
      help: "LLM call latency, retries included, by tenant",
      labelNames: ["tenant"] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
    answers: new Counter({
      name: "xin_answers_total",
      help: "customer turns by tenant, outcome (answer, escalation, dropped), reason and mode (llm, knowledge)",
      labelNames: ["tenant", "outcome", "reason", "mode"] as const,
      registers: [registry],
    }),
    answerDuration: new Histogram({
      name: "xin_answer_duration_seconds",
      help: "time to decide one customer turn (retrieval, LLM, guardrails), by mode",
      labelNames: ["mode"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60],
      registers: [registry],
    }),
  };
};
