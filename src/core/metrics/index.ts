export { CoreMetrics, type LinkStateName, type LaneDepthSample } from './core-metrics.ts';
