// Entry compiled by scripts/check-llm-compile.ts: one chat, one stream and one embeddings batch
// through the llm room (the `openai` SDK) against the base URL and key given as argv[2] and argv[3],
// then one JSON line with what came back. Exists only to prove the SDK works inside a
// `bun build --compile` executable with no node_modules beside it.
import {
  createChatClient,
  createEmbeddingsClient,
  embeddingsConfigSchema,
  isLlmError,
  llmConfigSchema,
} from "../src/llm";

const [baseUrl, apiKey] = process.argv.slice(2);
if (baseUrl === undefined || apiKey === undefined) {
  console.error("usage: llm-compile-entry <base-url> <api-key>");
  process.exit(2);
}
const chatClient = createChatClient(
  llmConfigSchema.parse({ base_url: baseUrl, model: "gpt-fake", api_key: apiKey, max_retries: 1 }),
  {
    retryDelays: { baseDelayMs: 10, maxDelayMs: 50 },
  },
);
const messages = [{ role: "user" as const, content: "compiled hello" }];
const chat = await chatClient.chat(messages);
const deltas: string[] = [];
let streamed = "";
for await (const event of chatClient.stream(messages)) {
  if (event.type === "delta") deltas.push(event.text);
  else streamed = event.result.text;
}
const embeddings = createEmbeddingsClient(
  embeddingsConfigSchema.parse({ base_url: baseUrl, model: "emb-fake", api_key: apiKey, batch_size: 2 }),
);
const vectors = await embeddings.embed(["one", "two", "three"]);
const rejected = await createChatClient(
  llmConfigSchema.parse({ base_url: baseUrl, model: "gpt-fake", api_key: "sk-wrong-000000000" }),
)
  .chat(messages)
  .then(
    () => "no error",
    (e: unknown) => (isLlmError(e) ? e.code : "not an LlmError"),
  );
console.log(
  JSON.stringify({
    chat: chat.text,
    retried_attempts: chat.attempts,
    deltas: deltas.length,
    streamed,
    vectors: vectors.map((v) => v.length),
    rejected,
  }),
);
