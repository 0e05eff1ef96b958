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
export { CATEGORIES, categoryPriority, isCategory, type Category } from './category.ts';
export { carrierForNumber, defaultRoutingTable, type Carrier, CARRIERS, type RoutePrefix } from './routing.ts';
