/**
 * arXiv identifiers: new style `YYMM.NNNN(N)` and old style `archive(.SUBJ)/YYMMNNN`, each with an
 * optional `vN` version. The canonical id drops the version, so v1 and v2 are one paper.
 */
const NEW_STYLE = /^((\d{2})(\d{2})\.(\d{4,5}))(v\d+)?$/;
const OLD_STYLE = /^([a-z][a-z-]*(?:\.[A-Z]{2})?\/\d{7})(v\d+)?$/;
/** From January 2015 (`1501.`) new-style numbers have five digits; before, four. */
const FIVE_DIGITS_FROM = 1501;

function isNewStyle(match: RegExpExecArray): boolean {
  const [, , year = '', month = '', number = ''] = match;
  const monthNumber = Number(month);
  if (monthNumber < 1 || monthNumber > 12) return false;
  const fiveDigits = Number(year + month) >= FIVE_DIGITS_FROM;
  return number.length === (fiveDigits ? 5 : 4);
}

/** The canonical id for a bare arXiv id (with or without version), or undefined if it is not one. */
export function canonicalArxivId(raw: string): string | undefined {
  const value = raw.trim();
  const newStyle = NEW_STYLE.exec(value);
  if (newStyle) return isNewStyle(newStyle) ? newStyle[1] : undefined;
  return OLD_STYLE.exec(value)?.[1];
}
