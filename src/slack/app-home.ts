import type { HomeView } from '@slack/types';
import type { AlertMode } from '../domain/alert-mode';
import { topWindowStart } from '../domain/top-window';
import type { MemberRef } from '../store/store';
import { HOME_TOP_SHOWN, homeView } from './blocks/home';
import type { ListenerDeps } from './listeners/deps';

type HomeDeps = Pick<
  ListenerDeps,
  'store' | 'slack' | 'clock' | 'logger' | 'timeZone' | 'workspaceUrl'
>;

const WEEK_MS = 7 * 24 * 3600 * 1000;

/** One member's Home tab as it stands: their keywords, alert mode and matches, and the team's week. */
export async function homeFor(deps: HomeDeps, member: MemberRef): Promise<HomeView> {
  const { store } = deps;
  const now = deps.clock();
  const [follows, keywords, settings, matches, top] = await Promise.all([
    store.followsIn(member.workspaceId),
    store.keywordsOf(member),
    store.alertSettings(member),
    store.recentAlertMatches(member, new Date(now.getTime() - WEEK_MS)),
    store.topPapers(member.workspaceId, topWindowStart('week', now, deps.timeZone), HOME_TOP_SHOWN),
  ]);
  const papers = new Map(
    (await store.getPapers(matches.map((m) => m.paperId))).map((paper) => [paper.id, paper]),
  );
  return homeView({
    follows,
    keywords,
    mode: settings.mode,
    ...(settings.timeZone ? { timeZone: settings.timeZone } : {}),
    matches: matches.flatMap((match) => {
      const paper = papers.get(match.paperId);
      return paper ? [{ paper, keywords: match.keywords }] : [];
    }),
    top,
    ...(deps.workspaceUrl ? { workspaceUrl: deps.workspaceUrl } : {}),
  });
}

export async function publishHome(deps: HomeDeps, member: MemberRef): Promise<void> {
  await deps.slack.views.publish({ user_id: member.userId, view: await homeFor(deps, member) });
}

/**
 * Republishes a member's Home tab after a change made from a command, without making the answer
 * wait: a Home tab a moment late is better than a slow command.
 */
export function republishHome(deps: HomeDeps, member: MemberRef): void {
  void publishHome(deps, member).catch((error: unknown) =>
    deps.logger.warn(`could not republish the Home tab of ${member.userId}:`, error),
  );
}

/** The member's IANA time zone as Slack knows it (`users.info`); undefined when Slack will not say. */
export async function memberTimeZone(
  deps: Pick<ListenerDeps, 'slack' | 'logger'>,
  userId: string,
): Promise<string | undefined> {
  try {
    const answer = await deps.slack.users.info({ user: userId });
    return answer.user?.tz || undefined;
  } catch (error) {
    deps.logger.warn(`could not read the time zone of ${userId}:`, error);
    return undefined;
  }
}

/**
 * Sets a member's alert mode. A digest's hour is in the member's own time zone, so Slack is asked
 * for it then (the one stored is kept when Slack does not answer).
 */
export async function saveAlertMode(
  deps: HomeDeps,
  member: MemberRef,
  mode: AlertMode,
): Promise<{ mode: AlertMode; timeZone?: string }> {
  const asked =
    mode.kind === 'daily' || mode.kind === 'weekly'
      ? await memberTimeZone(deps, member.userId)
      : undefined;
  await deps.store.setAlertSettings(member, { mode, ...(asked ? { timeZone: asked } : {}) });
  return deps.store.alertSettings(member);
}
