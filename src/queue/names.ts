/**
 * BullMQ key prefix. The braces are a Redis Cluster hash tag: every key of every queue lands in
 * one slot, which BullMQ's multi-key scripts need on a cluster.
 */
export const DEFAULT_QUEUE_PREFIX = '{paperboy}';

/** One queue per job kind: polls need a concurrency of one, announcements want many. */
export const QUEUE_NAMES = {
  pollFeed: 'poll-feed',
  announce: 'announce',
  noteVersion: 'note-version',
  digest: 'digest',
  refreshCards: 'refresh-cards',
  alert: 'alert',
} as const;

/**
 * BullMQ job ids must not contain `:` (its key separator) nor be all digits; paper ids contain `/`
 * (`hep-th/9901001`) and `.`, which are fine, so only `:` needs replacing.
 */
export function jobIdPart(value: string): string {
  return value.replace(/:/g, '_');
}
