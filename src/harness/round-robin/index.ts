// The harness's round-robin in front of several core nodes.
export { rotation, type Rotation } from './rotation.ts';
export { startProxy, type ProxyOptions, type RunningProxy } from './proxy.ts';
