/**
 * Every adapter xin ships, listed explicitly (like Caddy's modules/standard/imports.go): adding a
 * provider is one folder and one line here, and conformance.ts runs against every entry.
 */
import { ChannelError } from "./errors";
import { instagram } from "./instagram";
import type { Channel } from "./types";
import { telegram } from "./telegram";
import { whatsapp } from "./whatsapp";
import { widget } from "./widget";

export const channels: readonly Channel[] = [whatsapp, instagram, telegram, widget];

export const channelIds = (): string[] => channels.map((c) => c.id);

export const findChannel = (id: string): Channel | undefined => channels.find((c) => c.id === id);

/** The adapter for a provider key from a URL or row; unknown keys are a 404 at the gateway. */
export const getChannel = (id: string): Channel => {
  const channel = findChannel(id);
  if (!channel) {
    throw new ChannelError("channel.unknown_provider", `no channel provider "${id}"`, {
      retryable: false,
      reason: "unsupported",
      status: 404,
    });
  }
  return channel;
};
