import { analyzerOf, retrievalStrength } from "../confidence";
import { normaliseAsked } from "../grounding/requests";
import { fail, numberIn, pass, stringList, type Guardrail } from "./types";

/**
 * Personal advice in fields where a wrong word harms: medical, legal, financial. Each field is a list of
 * words that say the question is about it; the question must also ask for advice on the customer's own
 * situation (should I, is it safe, what do I do, recommend …) or name the advice outright ("dosage",
 * "legal advice"). Such a question passes only when the retrieved passages cover it well (the brand's
 * documents state the answer, e.g. a pharmacy's dosage leaflet): coverage ≥ `min_coverage` (0.8).
 * Options: `topics` — { field: [words] } replacing or adding fields; `fields` — which fields are on
 * (default all three); `min_coverage`.
 */
const FIELDS: Record<string, string[]> = {
  medical: [
    "symptom",
    "symptoms",
    "dose",
    "dosage",
    "medication",
    "medicine",
    "pill",
    "pills",
    "drug",
    "drugs",
    "pregnant",
    "pregnancy",
    "diagnose",
    "diagnosis",
    "rash",
    "fever",
    "pain",
    "infection",
    "side effect",
    "side effects",
    "blood pressure",
    "diabetes",
    "diabetic",
    "allergic reaction",
    "antibiotic",
    "antibiotics",
    "ibuprofen",
    "paracetamol",
    "disease",
    "illness",
    "sick",
    "treatment",
    "treat",
    "cure",
    "injury",
    "breastfeeding",
    "vaccine",
    "medikament",
    "schwanger",
    "schmerzen",
    "médicament",
    "enceinte",
    "medicamento",
    "embarazada",
  ],
  legal: [
    "legal",
    "illegal",
    "sue",
    "landlord",
    "employer",
    "lawyer",
    "attorney",
    "lawful",
    "law",
    "contract",
    "court",
    "rights",
    "liable",
    "liability",
    "lawsuit",
    "tenancy",
    "custody",
    "divorce",
    "immigration status",
    "visa refusal appeal",
    "appeal",
    "rechtlich",
    "vertrag",
    "légal",
    "contrat",
    "contrato",
  ],
  financial: [
    "invest",
    "investment",
    "investing",
    "stock",
    "stocks",
    "shares",
    "crypto",
    "bitcoin",
    "mortgage",
    "loan",
    "tax",
    "taxes",
    "pension",
    "retirement",
    "savings",
    "interest rate",
    "exchange rate",
    "steuer",
    "kredit",
    "impôt",
    "prêt",
    "impuesto",
    "préstamo",
  ],
};
const ASKING =
  /\b(should|shall)\s+(i|we)\b|\bis\s+it\s+(safe|ok|okay|legal|allowed|wise|better|a\s+good\s+idea)\b|\bcan\s+i\s+(take|use|eat|drink|give|mix|sue|claim|deduct|invest|break)\b|\bwhat\s+(should|can|do)\s+i\s+do\b|\b(recommend|advise|advice|suggest|best\s+way|what\s+would\s+you)\b|\bhow\s+(much|many)\s+.{0,20}\b(should|can)\s+i\b|\bam\s+i\s+(allowed|entitled|liable|eligible)\b|\b(soll|sollte)\s+ich\b|\bdois-je\b|\bdebo\b/;
const OUTRIGHT =
  /\b(dosage|diagnos\w*|medical\s+advice|legal\s+advice|financial\s+advice|investment\s+advice|tax\s+advice|side\s+effects?)\b/;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const compile = (fields: Record<string, string[]>, on: string[]): [string, RegExp][] =>
  on
    .filter((f) => fields[f]?.length)
    .map((f) => [f, new RegExp(`\\b(${fields[f].map((w) => escape(normaliseAsked(w))).join("|")})\\b`)]);
// The defaults compiled once; a brand's own fields are compiled per call (rare, and small).
const DEFAULT_FIELDS = compile(FIELDS, Object.keys(FIELDS));
const fieldsOf = (options: Record<string, unknown>): [string, RegExp][] => {
  if (options.topics === undefined && options.fields === undefined) return DEFAULT_FIELDS;
  const custom =
    options.topics && typeof options.topics === "object" ? (options.topics as Record<string, unknown>) : {};
  const all = { ...FIELDS, ...Object.fromEntries(Object.entries(custom).map(([k, v]) => [k, stringList(v)])) };
  return compile(all, stringList(options.fields, Object.keys(all)));
};

export const adviceRequired: Guardrail = {
  code: "advice_required",
  description: "medical, legal or financial advice the brand's documents do not state",
  stages: ["input"],
  evaluate: ({ question, passages, brand, options }) => {
    const text = normaliseAsked(question);
    const field = fieldsOf(options).find(([, re]) => re.test(text));
    if (!field || !(ASKING.test(text) || OUTRIGHT.test(text))) return pass;
    const coverage = retrievalStrength(analyzerOf(brand.persona.language), question, passages);
    const min = numberIn(options.min_coverage, 0, 1, 0.8);
    return coverage >= min
      ? pass
      : fail(`asks for ${field[0]} advice the documents do not state (coverage ${coverage.toFixed(2)})`);
  },
};
