// Grafana dashboards for xin, written as data and rendered to Grafana's dashboard JSON by
// `scripts/gen-dashboards.ts` into ops/grafana/. Kept in code so every query names the metrics xin
// really exports: test/ops/dashboards.test.ts checks the committed JSON is this file's output, that every
// query parses (promtool) and names only exported series, and test/e2e/observability.test.ts evaluates
// each one on a real Prometheus scraping a running xin.

export type Panel = {
  title: string;
  /** PromQL; `$__rate_interval` is Grafana's, replaced by a fixed window where the queries are checked. */
  expr: string;
  /** The legend per series, Grafana's `{{label}}` syntax. */
  legend?: string;
  unit: "short" | "s" | "percentunit" | "reqps" | "ops";
  kind: "timeseries" | "stat";
  description: string;
};

export type Dashboard = { uid: string; title: string; description: string; rows: { title: string; panels: Panel[] }[] };

const rate = (metric: string, by = "") => `sum${by ? ` by (${by})` : ""} (rate(${metric}[$__rate_interval]))`;
const p = (q: number, metric: string, by = "", selector = "") =>
  `histogram_quantile(${q}, sum by (le${by ? `, ${by}` : ""}) (rate(${metric}_bucket${selector}[$__rate_interval])))`;

export const DASHBOARDS: Dashboard[] = [
  {
    uid: "xin-api-health",
    title: "xin — API health",
    description: "Requests, errors and latency of xin's HTTP surface: webhooks, the widget and the admin API.",
    rows: [
      {
        title: "Traffic",
        panels: [
          {
            title: "Requests per second by route",
            expr: rate("xin_http_requests_total", "route"),
            legend: "{{route}}",
            unit: "reqps",
            kind: "timeseries",
            description: "Every HTTP request xin answered, by route pattern.",
          },
          {
            title: "5xx share",
            expr: `${rate('xin_http_requests_total{status=~"5.."}')} / clamp_min(${rate("xin_http_requests_total")}, 1e-9)`,
            unit: "percentunit",
            kind: "stat",
            description: "Share of answers that were server errors (a store outage shows here as 503s).",
          },
          {
            title: "Answers by status",
            expr: rate("xin_http_requests_total", "status"),
            legend: "{{status}}",
            unit: "reqps",
            kind: "timeseries",
            description: "401/403 floods are forged or expired tokens; 503 means the store is down.",
          },
        ],
      },
      {
        title: "Latency",
        panels: [
          {
            title: "p99 latency by route",
            expr: p(0.99, "xin_http_request_duration_seconds", "route"),
            legend: "{{route}}",
            unit: "s",
            kind: "timeseries",
            description: "The webhook ack SLO is 250 ms at p99 (ops/SLO.md).",
          },
          {
            title: "p50 latency",
            expr: p(0.5, "xin_http_request_duration_seconds"),
            unit: "s",
            kind: "stat",
            description: "Median over every route.",
          },
        ],
      },
    ],
  },
  {
    uid: "xin-channels",
    title: "xin — channels and delivery",
    description: "Replies sent and failed per provider, sends in doubt after a crash, provider pauses, polling health.",
    rows: [
      {
        title: "Delivery",
        panels: [
          {
            title: "Deliveries by provider and outcome",
            expr: rate("xin_deliveries_total", "provider, outcome"),
            legend: "{{provider}} {{outcome}}",
            unit: "ops",
            kind: "timeseries",
            description: "Sends the provider accepted (sent) or refused for good (failed).",
          },
          {
            title: "Delivery success (1 h)",
            expr: `sum(increase(xin_deliveries_total{outcome="sent"}[1h])) / clamp_min(sum(increase(xin_deliveries_total[1h])), 1e-9)`,
            unit: "percentunit",
            kind: "stat",
            description: "The delivery SLO is 99 % (ops/SLO.md).",
          },
          {
            title: "Sends in doubt by resolution",
            expr: `sum by (provider, resolution) (increase(xin_delivery_in_doubt_total[$__rate_interval]))`,
            legend: "{{provider}} {{resolution}}",
            unit: "short",
            kind: "timeseries",
            description: "After a crash mid-send: confirmed by a status webhook, resent, or held for an agent.",
          },
          {
            title: "Provider pauses",
            expr: `sum by (provider) (increase(xin_provider_pauses_total[$__rate_interval]))`,
            legend: "{{provider}}",
            unit: "short",
            kind: "timeseries",
            description: "A 429 or 5xx paused every delivery of the channel until the provider's wait is over.",
          },
        ],
      },
      {
        title: "Inbound",
        panels: [
          {
            title: "Telegram polling up",
            expr: "min by (channel_id) (xin_channel_polling_up)",
            legend: "{{channel_id}}",
            unit: "short",
            kind: "timeseries",
            description: "1 while a polled bot answers getUpdates; 0 while it fails (xin status shows why).",
          },
          {
            title: "Dead-lettered webhooks",
            expr: `sum by (provider) (increase(xin_webhook_dead_letter_total[$__rate_interval]))`,
            legend: "{{provider}}",
            unit: "short",
            kind: "timeseries",
            description: "Signed payloads that can never be processed: acknowledged and kept for inspection.",
          },
          {
            title: "Ignored events by reason",
            expr: `sum by (provider, reason) (increase(xin_webhook_events_ignored_total[$__rate_interval]))`,
            legend: "{{provider}} {{reason}}",
            unit: "short",
            kind: "timeseries",
            description: "Events that are not a customer writing (channel posts, service notices).",
          },
        ],
      },
    ],
  },
  {
    uid: "xin-answering",
    title: "xin — answering and LLM",
    description: "Answers and hand-overs, reply time, LLM calls, tokens and latency.",
    rows: [
      {
        title: "Answers",
        panels: [
          {
            title: "Turns by outcome",
            expr: rate("xin_answers_total", "outcome"),
            legend: "{{outcome}}",
            unit: "ops",
            kind: "timeseries",
            description: "Answered by the assistant or handed to a person.",
          },
          {
            title: "Hand-overs by reason",
            expr: `sum by (reason) (increase(xin_answers_total{outcome="escalation"}[$__rate_interval]))`,
            legend: "{{reason}}",
            unit: "short",
            kind: "timeseries",
            description:
              "Why the assistant handed over; low_confidence and unsupported_answer are knowledge gaps (xin report gaps).",
          },
          {
            title: "Reply time p90 by provider",
            expr: p(0.9, "xin_reply_latency_seconds", "provider"),
            legend: "{{provider}}",
            unit: "s",
            kind: "timeseries",
            description: "From the customer's message to the reply's send; the SLO is 60 s at p99.",
          },
          {
            title: "Answer step p99 by mode",
            expr: p(0.99, "xin_answer_duration_seconds", "mode"),
            legend: "{{mode}}",
            unit: "s",
            kind: "timeseries",
            description: "Retrieval, the model and the checks of one turn.",
          },
        ],
      },
      {
        title: "LLM",
        panels: [
          {
            title: "LLM calls by outcome",
            expr: rate("xin_llm_calls_total", "model, outcome"),
            legend: "{{model}} {{outcome}}",
            unit: "ops",
            kind: "timeseries",
            description: "Errors and timeouts end in an llm_unavailable hand-over.",
          },
          {
            title: "Tokens per second by type",
            expr: rate("xin_llm_tokens_total", "type"),
            legend: "{{type}}",
            unit: "short",
            kind: "timeseries",
            description: "Prompt and completion tokens; xin report estimates their cost at report.llm_prices.",
          },
          {
            title: "LLM latency p95",
            expr: p(0.95, "xin_llm_latency_seconds"),
            unit: "s",
            kind: "stat",
            description: "One model call, retries included.",
          },
        ],
      },
    ],
  },
  {
    uid: "xin-ingestion",
    title: "xin — ingestion",
    description: "Ingest and re-embedding jobs: throughput, failures, duration and backlog.",
    rows: [
      {
        title: "Ingest jobs",
        panels: [
          {
            title: "Ingest jobs by outcome",
            expr: `sum by (outcome) (increase(xin_jobs_total{kind=~"ingest|knowledge.reembed"}[$__rate_interval]))`,
            legend: "{{outcome}}",
            unit: "short",
            kind: "timeseries",
            description: "Finished, retried and dead-lettered ingest runs.",
          },
          {
            title: "Ingest duration p90",
            expr: p(0.9, "xin_job_duration_seconds", "", '{kind="ingest"}'),
            unit: "s",
            kind: "stat",
            description: "One ingest job: parsing, chunking, indexing (and embedding when configured).",
          },
          {
            title: "Oldest queued ingest job",
            expr: `max(xin_queue_oldest_job_seconds{kind=~"ingest|knowledge.reembed"})`,
            unit: "s",
            kind: "stat",
            description: "The ingestion-lag SLO: under 10 minutes (ops/SLO.md).",
          },
        ],
      },
    ],
  },
  {
    uid: "xin-queue",
    title: "xin — queue and automations",
    description:
      "The durable job queue: depth by state and kind, age of the oldest job, job rates, escalations waiting for an agent.",
    rows: [
      {
        title: "Queue",
        panels: [
          {
            title: "Jobs by state",
            expr: "sum by (state) (xin_queue_jobs)",
            legend: "{{state}}",
            unit: "short",
            kind: "timeseries",
            description: "Queued and running jobs; dead ones need a look (xin doctor).",
          },
          {
            title: "Oldest queued job by kind",
            expr: "max by (kind) (xin_queue_oldest_job_seconds)",
            legend: "{{kind}}",
            unit: "s",
            kind: "timeseries",
            description: "A growing age means the workers do not keep up or are paused.",
          },
          {
            title: "Jobs finished by kind",
            expr: rate("xin_jobs_total", "kind, outcome"),
            legend: "{{kind}} {{outcome}}",
            unit: "ops",
            kind: "timeseries",
            description: "respond, deliver, ingest, scheduled work (backups, certificate renewal, purge).",
          },
          {
            title: "Job duration p99 by kind",
            expr: p(0.99, "xin_job_duration_seconds", "kind"),
            legend: "{{kind}}",
            unit: "s",
            kind: "timeseries",
            description: "Long deliver jobs are slow providers; long respond jobs a slow model.",
          },
        ],
      },
      {
        title: "People",
        panels: [
          {
            title: "Oldest unclaimed escalation",
            expr: "max(xin_escalation_oldest_open_seconds)",
            unit: "s",
            kind: "stat",
            description: "The escalation-claim SLO: claimed within 15 minutes (ops/SLO.md).",
          },
        ],
      },
    ],
  },
];

/** Every query of every dashboard, with the dashboard and panel it belongs to. */
export const allQueries = (): { dashboard: string; panel: string; expr: string }[] =>
  DASHBOARDS.flatMap((d) =>
    d.rows.flatMap((r) => r.panels.map((panel) => ({ dashboard: d.uid, panel: panel.title, expr: panel.expr }))),
  );

const DATASOURCE = { type: "prometheus", uid: "${DS_PROMETHEUS}" };
const WIDTH = 24;

/** Grafana's dashboard JSON (schema 39): a datasource input, a row per group, panels two or three abreast. */
export const renderDashboard = (d: Dashboard): Record<string, unknown> => {
  let id = 1;
  let y = 0;
  const panels: Record<string, unknown>[] = [];
  for (const row of d.rows) {
    panels.push({
      id: id++,
      type: "row",
      title: row.title,
      collapsed: false,
      gridPos: { x: 0, y: y++, w: WIDTH, h: 1 },
      panels: [],
    });
    const across = row.panels.length >= 3 ? 3 : row.panels.length;
    const w = Math.floor(WIDTH / across);
    row.panels.forEach((panel, i) => {
      const height = panel.kind === "stat" ? 5 : 8;
      panels.push({
        id: id++,
        type: panel.kind,
        title: panel.title,
        description: panel.description,
        datasource: DATASOURCE,
        gridPos: { x: (i % across) * w, y: y + Math.floor(i / across) * 8, w, h: height },
        fieldConfig: { defaults: { unit: panel.unit }, overrides: [] },
        options:
          panel.kind === "stat"
            ? { reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false }, colorMode: "value" }
            : { legend: { displayMode: "list", placement: "bottom" }, tooltip: { mode: "multi" } },
        targets: [
          {
            refId: "A",
            datasource: DATASOURCE,
            expr: panel.expr,
            ...(panel.legend ? { legendFormat: panel.legend } : {}),
            range: true,
          },
        ],
      });
    });
    y += Math.ceil(row.panels.length / across) * 8;
  }
  return {
    __inputs: [
      {
        name: "DS_PROMETHEUS",
        label: "Prometheus",
        type: "datasource",
        pluginId: "prometheus",
        pluginName: "Prometheus",
      },
    ],
    uid: d.uid,
    title: d.title,
    description: d.description,
    tags: ["xin"],
    schemaVersion: 39,
    version: 1,
    editable: true,
    time: { from: "now-6h", to: "now" },
    refresh: "30s",
    templating: { list: [] },
    annotations: { list: [] },
    panels,
  };
};
