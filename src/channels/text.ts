/**
 * Text helpers every adapter and the delivery path share:
 * - `measureText` counts the way the provider counts (Telegram: UTF-16 code units; Instagram: UTF-8
 *   bytes; WhatsApp: characters).
 * - `splitText` cuts a long reply into parts under the limit, preferring paragraph, then sentence, then
 *   word boundaries, and never cutting inside a grapheme (emoji ZWJ sequences, combining marks).
 * - `renderMarkdown` turns LLM Markdown into a channel's flavour, or plain text where there is none.
 */
import { parseMarkdown, type MdNode } from "./markdown";
import type { ChannelCapabilities, FormattingFlavour } from "./types";

export type TextUnit = ChannelCapabilities["text"]["unit"];

const encoder = new TextEncoder();

export const measureText = (text: string, unit: TextUnit): number => {
  if (unit === "utf16") return text.length;
  if (unit === "utf8_bytes") return encoder.encode(text).length;
  let count = 0;
  for (const _ of text) count += 1;
  return count;
};

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** End index (UTF-16) of the longest grapheme-aligned prefix of `text` that fits in `limit` units. */
const fittingPrefixEnd = (text: string, limit: number, unit: TextUnit): number => {
  let used = 0;
  let end = 0;
  for (const { segment, index } of graphemes.segment(text)) {
    used += measureText(segment, unit);
    if (used > limit) break;
    end = index + segment.length;
  }
  return end;
};

const firstGraphemeLength = (text: string): number => {
  for (const { segment } of graphemes.segment(text)) return segment.length;
  return 0;
};

// Breaks, best first. Each returns the cut index (end of the part) of the last match in `window`.
const lastCut = (window: string, pattern: RegExp, isAfterMatch: boolean): number => {
  let cut = -1;
  for (const m of window.matchAll(pattern)) cut = m.index + (isAfterMatch ? m[0].length : 0);
  return cut;
};
const BREAKS: { pattern: RegExp; cutAfterMatch: boolean; minShare: number }[] = [
  { pattern: /\n[ \t]*\n/g, cutAfterMatch: false, minShare: 0.3 },
  { pattern: /[.!?…。！？](?:["'”’)\]]*)(?=\s)/g, cutAfterMatch: true, minShare: 0.3 },
  { pattern: /\s/g, cutAfterMatch: false, minShare: 0 },
];

const chooseCut = (window: string): number => {
  for (const { pattern, cutAfterMatch, minShare } of BREAKS) {
    const cut = lastCut(window, pattern, cutAfterMatch);
    if (cut > 0 && cut >= window.length * minShare) return cut;
  }
  return window.length;
};

/**
 * Splits `text` into parts of at most `limit` units. Whitespace at a cut is dropped; everything else is
 * kept in order. Text that already fits is returned as one unchanged part.
 */
export const splitText = (text: string, limit: number, unit: TextUnit): string[] => {
  if (limit < 1) throw new RangeError("limit must be positive");
  const parts: string[] = [];
  let rest = text;
  while (measureText(rest, unit) > limit) {
    // A single grapheme longer than the limit cannot be split further: it becomes a part of its own.
    const end = fittingPrefixEnd(rest, limit, unit) || firstGraphemeLength(rest);
    const window = rest.slice(0, end);
    let cut = chooseCut(window);
    let part = window.slice(0, cut).trimEnd();
    if (part.length === 0) {
      cut = window.length;
      part = window;
    }
    parts.push(part);
    rest = rest.slice(cut).trimStart();
  }
  if (rest.length > 0 || parts.length === 0) parts.push(rest);
  return parts;
};

/** Splits by a channel's own text capability. */
export const splitForChannel = (text: string, capabilities: Pick<ChannelCapabilities, "text">): string[] =>
  splitText(text, capabilities.text.limit, capabilities.text.unit);

const MDV2_SPECIAL = /[_*[\]()~`>#+\-=|{}.!\\]/g;

/** Escapes text for Telegram MarkdownV2 outside code entities. */
export const escapeMarkdownV2 = (text: string): string => text.replace(MDV2_SPECIAL, (c) => `\\${c}`);

const escapeMarkdownV2Code = (text: string): string => text.replace(/[`\\]/g, (c) => `\\${c}`);

type Renderer = (node: MdNode, inner: (nodes: MdNode[]) => string) => string;

const RENDERERS: Record<FormattingFlavour, Renderer> = {
  plain: (node, inner) => {
    if (node.type === "text" || node.type === "code" || node.type === "pre") return node.text;
    if (node.type === "link") {
      const label = inner(node.children);
      return label === node.url ? label : `${label} (${node.url})`;
    }
    return inner(node.children);
  },
  whatsapp: (node, inner) => {
    if (node.type === "text") return node.text;
    if (node.type === "code") return `\`${node.text}\``;
    if (node.type === "pre") return `\`\`\`${node.text}\`\`\``;
    if (node.type === "bold") return `*${inner(node.children)}*`;
    if (node.type === "italic") return `_${inner(node.children)}_`;
    if (node.type === "strike") return `~${inner(node.children)}~`;
    const label = inner(node.children);
    return label === node.url ? label : `${label} (${node.url})`;
  },
  telegram_markdown_v2: (node, inner) => {
    if (node.type === "text") return escapeMarkdownV2(node.text);
    if (node.type === "code") return `\`${escapeMarkdownV2Code(node.text)}\``;
    if (node.type === "pre") return `\`\`\`${node.language ?? ""}\n${escapeMarkdownV2Code(node.text)}\n\`\`\``;
    if (node.type === "bold") return `*${inner(node.children)}*`;
    if (node.type === "italic") return `_${inner(node.children)}_`;
    if (node.type === "strike") return `~${inner(node.children)}~`;
    return `[${inner(node.children)}](${node.url.replace(/[)\\]/g, (c) => `\\${c}`)})`;
  },
};

/** Renders LLM Markdown in `flavour`; for "plain" the markers are removed and links spelled out. */
export const renderMarkdown = (markdown: string, flavour: FormattingFlavour): string => {
  const render = RENDERERS[flavour];
  const inner = (nodes: MdNode[]): string => nodes.map((n) => render(n, inner)).join("");
  return inner(parseMarkdown(markdown));
};
