import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { z } from "zod";
import { XinError } from "../../runtime";

/**
 * Reader for the BEIR dataset layout: `corpus.jsonl` or `corpus.jsonl.gz`, `queries.jsonl`,
 * `qrels/<split>.tsv` (header `query-id corpus-id score`). Lines are validated with zod; a bad line
 * fails the load with its file and line number, because a silently skipped judgement would bias
 * every metric computed from the set.
 */
export type BeirDocument = { id: string; title: string; text: string };
export type BeirQuery = { id: string; text: string };
/** query id → document id → graded relevance (BEIR: 0 = not relevant). */
export type Qrels = Map<string, Map<string, number>>;
export type BeirDataset = { corpus: BeirDocument[]; queries: BeirQuery[]; qrels: Qrels };

const CorpusLine = z.object({ _id: z.union([z.string(), z.number()]), title: z.string().optional(), text: z.string() });
const QueryLine = z.object({ _id: z.union([z.string(), z.number()]), text: z.string() });

const fail = (file: string, line: number, what: string) =>
  new XinError("eval.dataset_invalid", `${file}:${line}: ${what}`, { exitCode: 2, data: { file, line } });

const readJsonl = <T>(file: string, text: string, schema: z.ZodType<T>): T[] => {
  const out: T[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw fail(file, i + 1, "not valid JSON");
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw fail(file, i + 1, parsed.error.issues[0]?.message ?? "unexpected shape");
    out.push(parsed.data);
  }
  return out;
};

/** Parses qrels TSV text; the header line is optional, scores must be integers. */
export const parseQrels = (text: string, file = "qrels"): Qrels => {
  const qrels: Qrels = new Map();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const cols = lines[i].split("\t");
    if (lines[i].trim() === "" || (i === 0 && cols[0] === "query-id")) continue;
    const [qid, did, score] = cols;
    if (qid === undefined || did === undefined || score === undefined || !/^-?\d+$/.test(score.trim())) {
      throw fail(file, i + 1, "expected `query-id<TAB>corpus-id<TAB>integer score`");
    }
    let judged = qrels.get(qid);
    if (judged === undefined) qrels.set(qid, (judged = new Map()));
    judged.set(did, Number(score));
  }
  return qrels;
};

/** Loads a BEIR dataset directory; only queries that have judgements in the split are returned. */
export const loadBeir = (dir: string, split = "test"): BeirDataset => {
  const plain = join(dir, "corpus.jsonl");
  const gz = `${plain}.gz`;
  const corpusFile = existsSync(plain) ? plain : gz;
  if (!existsSync(corpusFile)) {
    throw new XinError("eval.dataset_missing", `no corpus.jsonl or corpus.jsonl.gz in ${dir}`, { exitCode: 2 });
  }
  const raw = readFileSync(corpusFile);
  const corpusText = (corpusFile === gz ? gunzipSync(raw) : raw).toString("utf8");
  const corpus = readJsonl(corpusFile, corpusText, CorpusLine).map((d) => ({
    id: String(d._id),
    title: d.title ?? "",
    text: d.text,
  }));
  const qrelsFile = join(dir, "qrels", `${split}.tsv`);
  const queriesFile = join(dir, "queries.jsonl");
  for (const f of [qrelsFile, queriesFile]) {
    if (!existsSync(f)) throw new XinError("eval.dataset_missing", `missing ${f}`, { exitCode: 2 });
  }
  const qrels = parseQrels(readFileSync(qrelsFile, "utf8"), qrelsFile);
  const queries = readJsonl(queriesFile, readFileSync(queriesFile, "utf8"), QueryLine)
    .map((q) => ({ id: String(q._id), text: q.text }))
    .filter((q) => qrels.has(q.id));
  return { corpus, queries, qrels };
};
