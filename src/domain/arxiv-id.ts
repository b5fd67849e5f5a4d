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

/**
 * An arXiv category: an archive (`hep-th`, `q-bio`, `cs`), optionally with a subject class after
 * a dot (`cs.CL`, `math.GT`, `q-bio.NC`, `cond-mat.mes-hall`). Archives are lower-case letters,
 * digits and `-`, starting with a letter; subjects are letters and `-`, starting with a letter.
 * Neither begins or ends with `-`.
 */
const CATEGORY = /^[a-z](?:[a-z0-9-]*[a-z0-9])?(?:\.[A-Za-z](?:[A-Za-z-]*[A-Za-z])?)?$/;

/**
 * Whether `value` is written as an arXiv category (`cs.CL`, `hep-th`, `stat.ML`), exactly: no
 * surrounding spaces, no `cat:` prefix. The shape only; whether arXiv has that category is arXiv's
 * to say. MSC and ACM classes (`68T50`, `I.2.7`), which arXiv's feeds can list among an entry's
 * `<category>` elements too, are not categories.
 */
/** The longest real category is about 20 characters (`physics.atom-ph`, `nlin.CG`…). */
const CATEGORY_MAX = 30;

export function isArxivCategory(value: string): boolean {
  return value.length <= CATEGORY_MAX && CATEGORY.test(value);
}
