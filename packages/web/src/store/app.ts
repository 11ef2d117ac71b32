import type { FeigeClient } from '@feige/client';
import { createAccountActions } from './account';
import { createChatActions } from './chat';
import { createCtx } from './context';
import { createStore } from './createStore';
import { bindClient } from './events';
import { createGroupActions } from './groups';
import { createLoaders } from './loaders';
import { createSocialActions } from './social';
import { initialState, type View } from './state';

/**
 * The app's state and everything that changes it. React components read the store and call these actions; only
 * this layer talks to the SDK.
 */
export function createApp(client: FeigeClient) {
  const store = createStore(initialState());
  const ctx = createCtx(client, store, () => document.visibilityState === 'visible');
  const loaders = createLoaders(ctx);
  const chat = createChatActions(ctx, loaders);
  const friends = createSocialActions(ctx, loaders);
  const groups = createGroupActions(ctx, loaders, chat);
  const account = createAccountActions(ctx, {
    resetCaches() {
      loaders.reset();
      chat.reset();
    },
  });

  function setView(view: View): void {
    ctx.set((s) => (s.view === view ? s : { ...s, view }));
  }

  /** Subscribe to the SDK and the page, then resume a stored session. Returns the teardown. */
  function start(): () => void {
    const unbind = bindClient(ctx, { loaders, chat, account });
    // Messages that arrived while the tab was hidden become read when the user comes back to it.
    const onVisibility = () => chat.markRead();
    const onNetwork = () => {
      ctx.set((s) => ({ ...s, browserOnline: navigator.onLine }));
      // The network is back: skip the rest of the reconnect backoff instead of waiting up to 30 s.
      if (navigator.onLine && ctx.get().signedIn) client.reconnectNow();
    };
    document.addEventListener('visibilitychange', onVisibility);
    window.addEventListener('online', onNetwork);
    window.addEventListener('offline', onNetwork);
    onNetwork();
    account.resume();
    return () => {
      unbind();
      document.removeEventListener('visibilitychange', onVisibility);
      window.removeEventListener('online', onNetwork);
      window.removeEventListener('offline', onNetwork);
    };
  }

  return { store, client, start, setView, chat, friends, groups, account };
}

export type App = ReturnType<typeof createApp>;
