/**
 * Bumped by every change this process makes to a channel: every ChannelCache reads it and reads its
 * rows again at once. Its own module so the write paths (channels.ts) and the cache, which reads rows
 * through them, do not import each other.
 */
let generation = 0;

/** Call after changing a channel row (xin's own paths do); other processes see it within the cache's TTL. */
export const forgetChannels = (): void => {
  generation += 1;
};

export const channelGeneration = (): number => generation;
