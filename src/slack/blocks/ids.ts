/**
 * Action and block ids shared by the Block Kit builders and the listeners that route on them.
 * `paper_upvote` is part of the external contract (DESIGN.md): do not rename it.
 */
export const ACTION_IDS = {
  upvote: 'paper_upvote',
  /** "Share to channel" on a search result: posts the paper's full card where the search ran. */
  share: 'paper_share',
  /** Previous and next page of search results (two ids: action ids are unique within a block). */
  searchPrevious: 'search_previous',
  searchNext: 'search_next',
} as const;

export const BLOCK_IDS = {
  title: 'paper_title',
  meta: 'paper_meta',
  abstract: 'paper_abstract',
  links: 'paper_links',
  actions: 'paper_actions',
  /** Under the buttons: how many replies the card's thread has. */
  replies: 'paper_replies',
  /** Above a shared card: who shared it and what they said. */
  sharedBy: 'paper_shared_by',
  /** Under an unfurled paper: where the team discussed it, with its replies and votes. */
  discussed: 'paper_discussed',
} as const;

/** Message metadata event type carried by every posted card, so a card can be found by its paper. */
export const PAPER_POSTED_EVENT = 'paper_posted';
