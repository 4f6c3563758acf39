export { configSchema, SECRET_KEYS, type Config } from "./schema";
export { defaultDataDir, envFilePath, loadConfig, parseEnvFile, resolveConfigPath } from "./load";
export { configKeys, configTable, type KeyDoc } from "./docs";
