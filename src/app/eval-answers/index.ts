// `xin eval answers` and scripts/bench-answers.ts: answer sets, the judge, the runner and its rendering.
export {
  answerItemSchema,
  escalateItemSchema,
  loadEvalSet,
  type AnswerItem,
  type EscalateItem,
  type EvalBrand,
  type EvalSet,
} from "./eval-set";
export { carries, isSource, judgeAnswer, judgeEscalate, normalize, type Judgement, type Verdict } from "./judge";
export { memoryBrand, type MemoryBrand, type MemoryBrandOptions } from "./memory-brand";
export {
  combineReports,
  passes,
  runEvalSet,
  type Ask,
  type Counts,
  type EvalReport,
  type ItemResult,
  type SetReport,
} from "./run";
export { renderMisses, renderReport, renderTable, type Subtotal } from "./render";
export { calibration, renderCalibration, type ConfidenceBucket } from "./calibration";
