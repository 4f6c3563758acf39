import type { Channel, ChannelBinding } from "../channels";
import type { Db } from "../runtime/db";
import { channelGeneration } from "./channel-generation";
import { bindChannel, findChannelRow, type ChannelRow } from "./channels";

export type BoundChannel = { row: ChannelRow; adapter: Channel; binding: ChannelBinding<Record<string, unknown>> };

/** How long a channel row and its decrypted credentials are reused when nothing in this process changed them. */
const TTL_MS = 2000;
const MAX_ENTRIES = 10_000;

/**
 * Channel rows with their adapter and decrypted, validated credentials, reused for a moment: every
 * webhook and every outbound job of a busy channel would otherwise read the same row again and
 * decrypt it again. Unknown ids are remembered too, so a flood of requests for a channel that does
 * not exist costs one query per TTL, not one per request.
 */
export class ChannelCache {
  private readonly entries = new Map<string, { at: number; generation: number; value: BoundChannel | null }>();

  constructor(
    private readonly db: () => Db,
    private readonly instanceKey: string,
    private readonly ttlMs = TTL_MS,
  ) {}

  async get(id: string): Promise<BoundChannel | null> {
    const hit = this.entries.get(id);
    if (hit && hit.generation === channelGeneration() && Date.now() - hit.at < this.ttlMs) return hit.value;
    const seenGeneration = channelGeneration();
    const row = await findChannelRow(this.db(), id);
    const value = row ? { row, ...bindChannel(row, this.instanceKey) } : null;
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(id, { at: Date.now(), generation: seenGeneration, value });
    return value;
  }
}
