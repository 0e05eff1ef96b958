// The dispatch room's door: per-carrier queues with their lanes and
// priorities (CarrierQueue), the journal that records what happened to
// each submit and receipt (DispatchJournal), and the rules they follow
// (send windows, submit outcomes, validity). It sends through carrier/.
export { CarrierQueue, type CarrierQueueOptions, type QueueHooks, type QueueRoutes } from './carrier-queue.ts';
export { DispatchJournal, type JournalHooks } from './journal.ts';
export { DUNNING_WINDOW_JST, JST_OFFSET_MINUTES, WINDOW_TEXT_PATTERN, isInsideWindow, nextSendableAt, parseClockTime, parseWindowText, type SendingWindow } from './send-window.ts';
export { SendWindowPolicy, type SendWindowSettings } from './send-window-policy.ts';
