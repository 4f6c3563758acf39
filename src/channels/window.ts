/**
 * Messaging windows (channels.md §1.9, §2.5), decided from capabilities alone so callers never branch
 * on the provider: WhatsApp allows free-form replies for 24 h after the customer's last message and
 * templates after that; Instagram 24 h, then the HUMAN_AGENT tag for human-written replies up to 7 days;
 * Telegram and the widget have no window.
 */
import type { ChannelCapabilities } from "./types";

export type WindowDecision =
  /** Send as is. */
  | { kind: "free_form" }
  /** Only a human-written reply, sent with `isHumanAgent: true` (Instagram HUMAN_AGENT tag). */
  | { kind: "human_agent_tag"; closesAt: number }
  /** Only an approved template (WhatsApp); otherwise escalate to an agent. */
  | { kind: "template_only" }
  /** Nothing may be sent until the customer writes again. */
  | { kind: "closed" };

const HOUR_MS = 3_600_000;

/**
 * @param lastCustomerMessageAt epoch ms of the customer's last message (undefined: never wrote)
 * @param author who wrote the reply; the human-agent allowance never applies to AI text
 */
export const messagingWindow = (
  capabilities: Pick<ChannelCapabilities, "window">,
  lastCustomerMessageAt: number | undefined,
  now: number,
  author: "ai" | "human",
): WindowDecision => {
  const { hours, humanAgentHours, hasTemplates } = capabilities.window;
  if (hours === null) return { kind: "free_form" };
  const outside = (): WindowDecision => (hasTemplates ? { kind: "template_only" } : { kind: "closed" });
  if (lastCustomerMessageAt === undefined) return outside();
  const elapsed = now - lastCustomerMessageAt;
  if (elapsed < hours * HOUR_MS) return { kind: "free_form" };
  if (author === "human" && humanAgentHours !== null && elapsed < humanAgentHours * HOUR_MS) {
    return { kind: "human_agent_tag", closesAt: lastCustomerMessageAt + humanAgentHours * HOUR_MS };
  }
  return outside();
};
