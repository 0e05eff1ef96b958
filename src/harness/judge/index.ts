// Judgement: SLA verdicts of a run, baselines and the release gate sheet.
export { judgeRun, declaredThresholds, exitCodeFor, splitThresholds, DELIVERY_METRIC_TYPES, type JudgeInput } from './run-verdict.ts';
export {
  baselineFromRun,
  compareWithBaseline,
  figureKind,
  DEFAULT_TOLERANCE,
  BASELINE_SCHEMA,
  type Baseline,
  type BaselineFigure,
  type Comparison,
  type FigureKind,
  type Better,
  type Tolerance,
  type ToleranceRule,
} from './baseline.ts';
export {
  judgeGate,
  gateExitCode,
  describeThreshold,
  describeRegression,
  type GateSheet,
  type GateDecision,
  type GateInput,
  type ScenarioJudgement,
} from './gate-sheet.ts';
export { writeBaseline, readBaseline, readBaselines, DEFAULT_BASELINE_DIR } from './baseline-file.ts';
export { BaselineInvalidError, BaselineNameError } from './errors.ts';
