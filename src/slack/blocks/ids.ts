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
  /** "See all" under a keyword alert DM: opens the modal of every matched paper (value: the run key). */
  alertMore: 'alert_more',
  /** App Home: opens the modal to add keywords. */
  alertKeywordsAdd: 'alert_keywords_add',
  /** The keywords modal's text input. */
  alertKeywordsInput: 'alert_keywords_value',
  /** App Home alert controls: mode (`instant|daily|weekly|off`), local time (`HH:mm`), weekday (`mon`…). */
  alertMode: 'alert_mode',
  alertTime: 'alert_time',
  alertDay: 'alert_day',
} as const;

/**
 * App Home's "✕ keyword" buttons: `alert_keyword_remove_0`, `_1`, … (action ids must be unique in a
 * view, and a keyword is not a safe id). The button's value is the keyword itself.
 */
export const ALERT_KEYWORD_REMOVE_PREFIX = 'alert_keyword_remove_';
/** Routes every "✕ keyword" button: `app.action(ALERT_KEYWORD_REMOVE_PATTERN, …)`. */
export const ALERT_KEYWORD_REMOVE_PATTERN = /^alert_keyword_remove_\d+$/;

/** The action id of the `index`th "✕ keyword" button. */
export function alertKeywordRemoveActionId(index: number): string {
  return `${ALERT_KEYWORD_REMOVE_PREFIX}${index}`;
}

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
  /** The keywords modal's input block: `view.state.values[alertKeywordsInput][ACTION_IDS.alertKeywordsInput]`. */
  alertKeywordsInput: 'alert_keywords_input',
  /** App Home: the keyword list's intro (with "Add keywords"), and its blocks of "✕ keyword" buttons. */
  alertKeywords: 'alert_keywords',
  alertKeywordButtons: 'alert_keyword_buttons',
  /** App Home: the actions block holding the mode select, time picker and weekday select. */
  alertControls: 'alert_controls',
  /** The "…and N more" line of a keyword alert DM, with its `alert_more` button. */
  alertMore: 'alert_more',
} as const;

/** `callback_id`s of the modals, routed by `app.view(...)`. */
export const CALLBACK_IDS = {
  /** Adding keywords: the input is in `BLOCK_IDS.alertKeywordsInput` / `ACTION_IDS.alertKeywordsInput`. */
  alertKeywordsModal: 'alert_keywords_modal',
  /** Every paper of one alert (no submit: read only). */
  alertMoreModal: 'alert_more_modal',
} as const;

/** Message metadata event type carried by every posted card, so a card can be found by its paper. */
export const PAPER_POSTED_EVENT = 'paper_posted';
