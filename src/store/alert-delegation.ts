import type { AlertStore } from './store';

/**
 * The alert half of a store, passed through to an object of its own: each adapter keeps its
 * keyword-alert queries in a file apart (`sqlite-alerts.ts`, `postgres-alerts.ts`) and extends
 * this to offer them as part of its `Store`.
 */
export abstract class DelegatesAlerts implements AlertStore {
  protected abstract readonly alerts: AlertStore;

  addKeywords: AlertStore['addKeywords'] = (...args) => this.alerts.addKeywords(...args);
  removeKeywords: AlertStore['removeKeywords'] = (...args) => this.alerts.removeKeywords(...args);
  keywordsOf: AlertStore['keywordsOf'] = (...args) => this.alerts.keywordsOf(...args);
  alertSettings: AlertStore['alertSettings'] = (...args) => this.alerts.alertSettings(...args);
  setAlertSettings: AlertStore['setAlertSettings'] = (...args) =>
    this.alerts.setAlertSettings(...args);
  subscribersChangedSince: AlertStore['subscribersChangedSince'] = (...args) =>
    this.alerts.subscribersChangedSince(...args);
  recordAlertMatches: AlertStore['recordAlertMatches'] = (...args) =>
    this.alerts.recordAlertMatches(...args);
  membersWithPendingAlerts: AlertStore['membersWithPendingAlerts'] = () =>
    this.alerts.membersWithPendingAlerts();
  startAlertRun: AlertStore['startAlertRun'] = (...args) => this.alerts.startAlertRun(...args);
  finishAlertRun: AlertStore['finishAlertRun'] = (...args) => this.alerts.finishAlertRun(...args);
  alertRun: AlertStore['alertRun'] = (...args) => this.alerts.alertRun(...args);
  recentAlertMatches: AlertStore['recentAlertMatches'] = (...args) =>
    this.alerts.recentAlertMatches(...args);
}
