// Fake third-party providers for tests: loopback servers that behave like the documented real APIs.
export * from "./fake-server";
export * from "./meta-graph";
export * from "./telegram-bot-api";
