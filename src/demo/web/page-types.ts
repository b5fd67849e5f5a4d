/**
 * What the page's server sends its script: shared by both sides, so neither can drift. No imports:
 * the script is checked against the DOM alone.
 */

/** What one member sees: each pane as HTML. */
export interface Screen {
  title: string;
  sidebar: string;
  main: string;
  /** Empty when no thread is open. */
  thread: string;
  /** Empty when the member has no modal open. */
  modal: string;
  /** Changes only when the modal itself does, so that a redraw never wipes what is typed in it. */
  modalKey: string;
  /** The message box's placeholder; null where there is no message box (the Home tab). */
  composer: string | null;
}

/** `GET /api/workspace`: who can be chosen in the member menu, and where the page opens. */
export interface WorkspaceSummary {
  teamName: string;
  members: ReadonlyArray<{ id: string; name: string; title: string }>;
  firstPlace: string;
}
