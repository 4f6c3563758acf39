import { describe, expect, test } from "bun:test";
import { z } from "zod";
import { embeddingsConfigSchema, llmConfigSchema } from "./llm";

const issues = (schema: z.ZodType, value: unknown) => {
  const parsed = schema.safeParse(value);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
};

describe("llm config", () => {
  test("needs only base_url and model; defaults fill the rest; trailing slashes are dropped", () => {
    expect(llmConfigSchema.parse({ base_url: "http://127.0.0.1:11434/v1/", model: "llama3.1:8b" })).toEqual({
      base_url: "http://127.0.0.1:11434/v1",
      model: "llama3.1:8b",
      timeout_ms: 60_000,
      max_retries: 2,
      max_tokens: 1024,
    });
  });

  test("an empty api_key means no key", () => {
    const parsed = llmConfigSchema.parse({ base_url: "http://x/v1", model: "m", api_key: "" });
    expect("api_key" in parsed && parsed.api_key !== undefined).toBe(false);
    expect(llmConfigSchema.parse({ base_url: "http://x/v1", model: "m", api_key: "sk-1" }).api_key).toBe("sk-1");
  });

  test("numbers from environment variables (strings) are coerced", () => {
    const parsed = llmConfigSchema.parse({
      base_url: "https://api.openai.com/v1",
      model: "m",
      timeout_ms: "5000",
      temperature: "0.3",
      max_retries: "0",
    });
    expect(parsed).toMatchObject({ timeout_ms: 5000, temperature: 0.3, max_retries: 0 });
  });

  test.each([
    [{ model: "m" }, "base_url"],
    [{ base_url: "ftp://x/v1", model: "m" }, "base_url: must be an http:// or https:// URL"],
    [{ base_url: "not a url", model: "m" }, "base_url"],
    [{ base_url: "http://x/v1", model: "" }, "model"],
    [{ base_url: "http://x/v1", model: "m", temperature: 3 }, "temperature"],
    [{ base_url: "http://x/v1", model: "m", max_retries: 11 }, "max_retries"],
    [{ base_url: "http://x/v1", model: "m", timeout_ms: 10 }, "timeout_ms"],
    [{ base_url: "http://x/v1", model: "m", modle: "typo" }, "Unrecognized key"],
  ])("rejects %j naming %s", (value, expected) => {
    expect(issues(llmConfigSchema, value).join("\n")).toContain(expected);
  });
});

describe("embeddings config", () => {
  test("defaults", () => {
    expect(embeddingsConfigSchema.parse({ base_url: "http://127.0.0.1:8080/v1", model: "bge-small" })).toEqual({
      base_url: "http://127.0.0.1:8080/v1",
      model: "bge-small",
      batch_size: 64,
      timeout_ms: 30_000,
      max_retries: 3,
    });
  });

  test.each([
    [{ base_url: "http://x/v1", model: "m", batch_size: 0 }, "batch_size"],
    [{ base_url: "http://x/v1", model: "m", batch_size: 5000 }, "batch_size"],
    [{ base_url: "http://x/v1", model: "m", dimensions: 0 }, "dimensions"],
    [{ base_url: "http://x/v1", model: "m", api_key: 42 }, "api_key"],
    [{ base_url: "http://x/v1", model: "m", batchsize: 3 }, "Unrecognized key"],
  ])("rejects %j naming %s", (value, expected) => {
    expect(issues(embeddingsConfigSchema, value).join("\n")).toContain(expected);
  });
});

test("every key is described (the source of `xin config` and the README table)", () => {
  for (const schema of [llmConfigSchema, embeddingsConfigSchema]) {
    for (const [key, field] of Object.entries(schema.shape)) {
      expect({ key, description: field.description ?? "" }).toEqual({
        key,
        description: expect.stringMatching(/\w{3,}/),
      });
    }
  }
});
