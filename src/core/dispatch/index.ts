// The dispatch room's door: per-carrier queues with their lanes and
// priorities (CarrierQueue), the journal that records what happened to
// each submit and receipt (DispatchJournal), and the rules they follow
// (sending windows, submit outcomes, validity). It sends through carrier/.
export { CarrierQueue, type CarrierQueueOptions, type QueueHooks } from './carrier-queue.ts';
export { DispatchJournal, type JournalHooks } from './journal.ts';
export { DUNNING_WINDOW_JST, isInsideWindow, parseClockTime, type SendingWindow } from './quiet-hours.ts';
