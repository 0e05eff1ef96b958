// The message room: phone numbers, categories, encoding and segmentation.
// Pure functions only; no I/O.
export {
  normalisePhoneNumber,
  domesticForm,
  type PhoneNumberResult,
  type PhoneNumberRejection,
} from './phone-number.ts';
export { gsm7Septets, gsm7Encode, gsm7Decode, GSM7_ESCAPE } from './gsm7.ts';
export {
  planMessage,
  segmentMessage,
  concatUdh,
  DATA_CODING,
  SEGMENT_LIMITS,
  MAX_SEGMENTS,
  IEI_CONCAT_8BIT,
  type Encoding,
  type Segment,
  type SegmentPlan,
  type PlanResult,
  type SegmentResult,
} from './segmentation.ts';
export { CATEGORIES, categoryPriority, isCategory, type Category } from './category.ts';
export { carrierForNumber, defaultRoutingTable, type Carrier, CARRIERS, type RoutePrefix } from './routing.ts';
