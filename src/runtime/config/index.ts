export { configSchema, SECRET_KEYS, type Config } from "./schema";
export { defaultDataDir, envFilePath, loadConfig, parseEnvFile, resolveConfigPath } from "./load";
export { configKeys, configTable, type KeyDoc } from "./docs";
export { embeddingsConfigSchema, llmConfigSchema, LLM_SECRET_KEYS, type EmbeddingsConfig, type LlmConfig } from "./llm";
export { answerConfigSchema, type AnswerConfig } from "./answer";
export { clientEnv } from "./client";
