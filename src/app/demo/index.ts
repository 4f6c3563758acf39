// The sample knowledge of the demo brand (`xin init --demo`, used by `npm start`): a small fictional
// shop, embedded in the binary as text so a newcomer's first questions are answered with no LLM and no
// files to find. Sources are named `demo/<file>` so they are recognisable and replaceable.
import { prepareSource, type BrandScope, type RetrievalBackend } from "../../rag";
import contact from "./knowledge/contact.md" with { type: "text" };
import products from "./knowledge/products.md" with { type: "text" };
import returns from "./knowledge/returns.md" with { type: "text" };
import shipping from "./knowledge/shipping.md" with { type: "text" };

export const DEMO_KNOWLEDGE: Record<string, string> = {
  "demo/shipping.md": shipping,
  "demo/returns.md": returns,
  "demo/products.md": products,
  "demo/contact.md": contact,
};

/** Questions the demo knowledge answers in knowledge-base mode (README, BENCH quality run). */
export const DEMO_QUESTIONS = [
  "How long does delivery to Austria take?",
  "Is shipping free?",
  "How do I wash merino wool?",
  "What payment methods do you accept?",
];

/** Writes the demo knowledge into a brand. Idempotent: unchanged sources are left as they are. */
export const seedDemoKnowledge = async (backend: RetrievalBackend, scope: BrandScope): Promise<number> => {
  let chunks = 0;
  for (const [source, text] of Object.entries(DEMO_KNOWLEDGE)) {
    const prepared = await prepareSource({ source, bytes: new TextEncoder().encode(text) });
    if (!prepared.ok) throw new Error(`demo knowledge ${source}: ${prepared.reason}`);
    await backend.upsertSource({
      scope,
      meta: { source, hash: prepared.hash, format: prepared.format, title: prepared.title },
      chunks: prepared.chunks,
    });
    chunks += prepared.chunks.length;
  }
  return chunks;
};
