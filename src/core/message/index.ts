// The message room: phone numbers, categories, encoding and segmentation.
// Pure functions only; no I/O.
export {
  normalisePhoneNumber,
  domesticForm,
  type PhoneNumberResult,
  type PhoneNumberRejection,
} from './phone-number.ts';
export {
  planMessage,
  segmentMessage,
  concatUdh,
  SEGMENT_LIMITS,
  MAX_SEGMENTS,
  type Encoding,
  type Segment,
  type SegmentPlan,
  type PlanResult,
  type SegmentResult,
} from './segmentation.ts';
// The words every room of the core uses for carriers and categories: the
// shared vocabulary's, so the core, simulator, harness and scenarios agree.
export { CATEGORIES, categoryPriority, isCategory, type Category, CARRIERS, isCarrier, type Carrier } from '../../domain/index.ts';
export { carrierForNumber, defaultRoutingTable, type RoutePrefix, type RouteSource } from './routing.ts';
export { carrierLengthProblem } from './carrier-limits.ts';
