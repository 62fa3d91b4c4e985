import { Component, type ReactNode } from 'react';
import { useI18n } from '../i18n/i18n';

/**
 * Shows a page whose code is fetched on first use (React.lazy), and says so in the user's language
 * when that fetch fails: the connection is lost, or a new version replaced the files this tab knew.
 * A failed import is not tried again by React, so the way on is to reload the application.
 */
export class PageBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override render(): ReactNode {
    return this.state.failed ? <PageLoadFailed /> : this.props.children;
  }
}

function PageLoadFailed() {
  const { t } = useI18n();
  return (
    <div role="alert" data-testid="page-load-failed">
      <p className="field-error">{t('common.pageLoadFailed')}</p>
      <button type="button" onClick={() => window.location.reload()}>
        {t('common.reload')}
      </button>
    </div>
  );
}
