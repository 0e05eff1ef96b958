// Orchestration: `denpa run`, `denpa gate`, `denpa capacity`.
export { runScenario, type RunOutcome } from './run.ts';
export { resolveRunOptions, RunOptionsSchema, type RunOptionsInput, type ResolvedRunOptions } from './run-options.ts';
export { runGate, type GateOptions, type GateOutcome } from './gate.ts';
export { runCapacity, throughputOf, type CapacityOptions, type CapacityOutcome } from './capacity.ts';
export { nextScale, highestPassing, formatCapacity, formatNodeCapacity, nodePoints, parseCountList, type CapacityPlan, type CapacityStep, type NodeCapacity } from './capacity-plan.ts';
export { resolveDeployment, parseStore, deploymentLabel, MAX_CORE_NODES, type Deployment, type StoreChoice } from './deployment.ts';
export { fitUsl, uslThroughput, type UslFit, type UslPoint } from '../model/usl.ts';
export { projectUsl, type UslProjection } from '../model/usl-projection.ts';
export { readSuite, parseSuite, DEFAULT_SUITE, type Suite } from './suite.ts';
export { judgeTail, settleTail, type TailSnapshot, type TailState } from './settle.ts';
export { formatProgress, progressWriter, type ProgressView, type ProgressMode } from './progress-line.ts';
export { countOtpSoFar } from './otp-watch.ts';
export { startLocalStack, attachExternalStack, coreConfig, simulatorOptions, DEFAULT_API_KEY, DEFAULT_CALLBACK_SECRET, type Stack } from './local-stack.ts';
export { startService, liveServiceCount, type ServiceProcess } from './service-process.ts';
export { resolveEngine, type EngineName, type EngineChoice } from './engine-runner.ts';
export { SimulatorControl, sinkSnapshot } from './control-client.ts';
export { writeTrafficFixture } from './fixture-step.ts';
