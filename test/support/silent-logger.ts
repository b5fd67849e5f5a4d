import { LogLevel, type Logger } from '@slack/bolt';

const noop = () => undefined;

/**
 * A Slack SDK logger that says nothing: for clients and apps in emulator tests, where Slack's
 * warnings are asserted rather than printed.
 */
export const silentSlackLogger: Logger = {
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  setLevel: noop,
  setName: noop,
  getLevel: () => LogLevel.ERROR,
};
