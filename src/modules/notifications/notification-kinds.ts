/** Every kind of notification a person can receive; each has its own mail frequency. */
export const NOTIFICATION_KINDS = [
  'match_proposed', 'request_routed', 'request_decision', 'question', 'deadline_soon', 'overdue',
  'offering_stale', 'feedback_due', 'question_reminder', 'yearly_check', 'saved_search',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const FREQUENCIES = ['immediate', 'daily', 'weekly', 'never'] as const;
export type Frequency = (typeof FREQUENCIES)[number];

/** The frequency of a kind nobody chose one for: what can wait a day is gathered in the daily digest. */
export const DEFAULT_FREQUENCY: Record<NotificationKind, Frequency> = {
  match_proposed: 'immediate', request_routed: 'immediate', request_decision: 'immediate', question: 'immediate',
  deadline_soon: 'immediate', overdue: 'immediate', offering_stale: 'daily', feedback_due: 'immediate',
  question_reminder: 'daily', yearly_check: 'immediate', saved_search: 'daily',
};

/** Follow-up timings (issue 14 items 1 and 5). */
export const FOLLOW_UP = {
  /** A routed request's due date this close: its entity is told. */
  deadlineWarnDays: 3,
  /** An open offering not confirmed for this long: its provider is asked to confirm it. */
  staleOfferingDays: 150,
  /** A delivery with no end date is taken to end this long after it started. */
  openDeliveryDays: 90,
  /** The second request for feedback, after the first. */
  feedbackAgainDays: 30,
  /** An unanswered question reminds its addressee every this many days. */
  questionReminderDays: 7,
  /** The 1540-style check ("was this request met?"), each year after filing. */
  yearlyCheckDays: 365,
} as const;
