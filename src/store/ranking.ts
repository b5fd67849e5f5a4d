/**
 * What both adapters rank search results by, besides their own text score (FTS5's BM25,
 * PostgreSQL's ts_rank): small boosts, each at most a few tens of percent, for votes (HF upvotes
 * plus team votes, which count more) and for recency (fading over about a month), and the cap on
 * how many matches are ranked at all.
 */
export const VOTES_BOOST = 0.05;
export const TEAM_VOTE_WEIGHT = 5;
export const RECENCY_BOOST = 0.25;
export const RECENCY_FADE_MS = 30 * 24 * 3600 * 1000;

/**
 * Ranking reads every match, so a query matching much of a large store (`model`, `language`) would
 * take a tenth of a second. It ranks the newest matches only, this many, the total then being a
 * lower bound: a broad query is answered in milliseconds, and the newest papers are what it wants.
 */
export const RANKED_MATCHES_MAX = 500;
