/**
 * arXiv identifiers: new style `YYMM.NNNN(N)` and old style `archive(.SUBJ)/YYMMNNN`, each with an
 * optional `vN` version. The canonical id drops the version, so v1 and v2 are one paper.
 */
const NEW_STYLE = /^(\d{4}\.\d{4,5})(v\d+)?$/;
const OLD_STYLE = /^([a-z][a-z-]*(?:\.[A-Z]{2})?\/\d{7})(v\d+)?$/;

/** The canonical id for a bare arXiv id (with or without version), or undefined if it is not one. */
export function canonicalArxivId(raw: string): string | undefined {
  const value = raw.trim();
  const match = NEW_STYLE.exec(value) ?? OLD_STYLE.exec(value);
  return match?.[1];
}
