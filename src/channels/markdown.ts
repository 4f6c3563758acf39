/**
 * A deliberately small reader for the Markdown an LLM writes (headings, **bold**, *italic*, ~~strike~~,
 * `code`, fenced blocks, [links](url)), producing nodes that text.ts renders in each channel's flavour.
 * Anything it does not recognise stays literal text, so a stray `*` never swallows a sentence.
 */

export type MdNode =
  | { type: "text"; text: string }
  | { type: "bold"; children: MdNode[] }
  | { type: "italic"; children: MdNode[] }
  | { type: "strike"; children: MdNode[] }
  | { type: "code"; text: string }
  | { type: "pre"; text: string; language?: string }
  | { type: "link"; children: MdNode[]; url: string };

type InlineRule = { pattern: RegExp; build: (m: RegExpExecArray) => MdNode };

// Ordered by precedence at the same position: code first (its content is literal), bold before italic.
const INLINE_RULES: InlineRule[] = [
  { pattern: /`([^`\n]+)`/y, build: (m) => ({ type: "code", text: m[1] }) },
  { pattern: /\*\*(?=\S)([\s\S]*?\S)\*\*/y, build: (m) => ({ type: "bold", children: parseInline(m[1]) }) },
  { pattern: /__(?=\S)([\s\S]*?\S)__(?!\w)/y, build: (m) => ({ type: "bold", children: parseInline(m[1]) }) },
  { pattern: /~~(?=\S)([\s\S]*?\S)~~/y, build: (m) => ({ type: "strike", children: parseInline(m[1]) }) },
  { pattern: /\*(?=[^\s*])([^*\n]*?[^\s*])\*/y, build: (m) => ({ type: "italic", children: parseInline(m[1]) }) },
  { pattern: /_(?=[^\s_])([^_\n]*?[^\s_])_(?!\w)/y, build: (m) => ({ type: "italic", children: parseInline(m[1]) }) },
  {
    pattern: /\[([^\]\n]+)\]\((https?:\/\/[^\s)]+|mailto:[^\s)]+|tel:[^\s)]+)\)/y,
    build: (m) => ({ type: "link", children: parseInline(m[1]), url: m[2] }),
  },
];

const MARKERS = new Set(["`", "*", "_", "~", "["]);

const pushText = (nodes: MdNode[], text: string) => {
  if (text.length === 0) return;
  const last = nodes[nodes.length - 1];
  if (last?.type === "text") last.text += text;
  else nodes.push({ type: "text", text });
};

export const parseInline = (source: string): MdNode[] => {
  const nodes: MdNode[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i];
    // `_` inside a word (snake_case) is never emphasis.
    const isWordUnderscore = ch === "_" && i > 0 && /\w/.test(source[i - 1]);
    let matched: { node: MdNode; end: number } | undefined;
    if (MARKERS.has(ch) && !isWordUnderscore) {
      for (const rule of INLINE_RULES) {
        rule.pattern.lastIndex = i;
        const m = rule.pattern.exec(source);
        if (m) {
          matched = { node: rule.build(m), end: i + m[0].length };
          break;
        }
      }
    }
    if (matched) {
      nodes.push(matched.node);
      i = matched.end;
    } else {
      pushText(nodes, ch);
      i += 1;
    }
  }
  return nodes;
};

/** Block level: fenced code blocks stay verbatim, `# Heading` lines become bold, the rest is inline. */
export const parseMarkdown = (source: string): MdNode[] => {
  const nodes: MdNode[] = [];
  const fence = /^```([\w+-]*)\n([\s\S]*?)\n?```[ \t]*$/gm;
  let last = 0;
  const pushLines = (chunk: string) => {
    chunk.split(/(\n)/).forEach((line) => {
      const heading = /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
      if (heading) nodes.push({ type: "bold", children: parseInline(heading[1]) });
      else for (const node of parseInline(line)) node.type === "text" ? pushText(nodes, node.text) : nodes.push(node);
    });
  };
  for (const m of source.matchAll(fence)) {
    pushLines(source.slice(last, m.index));
    nodes.push({ type: "pre", text: m[2], language: m[1] || undefined });
    last = m.index + m[0].length;
  }
  pushLines(source.slice(last));
  return nodes;
};
