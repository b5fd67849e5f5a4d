import { isValid, parseISO } from 'date-fns';
import { collapseWhitespace } from '../domain/text';

// Small value helpers the feed normalizers share, so every feed reads dates and text the same way
// and words its skip reasons alike.

/** An ISO 8601 date-time string as a Date, or undefined for anything else. */
export function parseDate(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const date = parseISO(value.trim());
  return isValid(date) ? date : undefined;
}

/** The whitespace-collapsed text, or undefined when there is none. */
export function nonEmpty(value: string | undefined | null): string | undefined {
  const text = value === undefined || value === null ? '' : collapseWhitespace(value);
  return text === '' ? undefined : text;
}

/** A value quoted for a reason, short enough for a log line. */
export function show(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  const short = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return typeof value === 'string' ? `'${short}'` : short;
}

/** `null`, `array` or the `typeof` of a value, for messages about unexpected shapes. */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}
