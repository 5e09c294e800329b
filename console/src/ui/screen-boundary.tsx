import { Component } from 'react';
import type { ErrorInfo, ReactNode } from 'react';
import { i18n } from '../i18n/index.js';

interface State {
  error: Error | null;
}

/**
 * Catches a screen that fails while drawing, so one broken screen never blanks the whole
 * console: the menu stays, the user reads what failed and can try again or go elsewhere.
 * The layout keys it by path, so moving to another screen starts it afresh.
 */
export class ScreenBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo) {
    console.error('screen failed', error, info.componentStack);
  }

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <div className="notice error" role="alert">
        <strong>{i18n.t('boundary.title')}</strong>{' '}
        {i18n.t('boundary.body', { message: error.message })}
        <p>
          <button type="button" onClick={() => this.setState({ error: null })}>
            {i18n.t('common.tryAgain')}
          </button>
        </p>
      </div>
    );
  }
}
