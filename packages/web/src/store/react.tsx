import { createContext, useContext, useSyncExternalStore, type ReactNode } from 'react';
import type { App } from './app';
import type { AppState } from './state';

const AppContext = createContext<App | null>(null);

export function AppProvider({ app, children }: { app: App; children: ReactNode }) {
  return <AppContext value={app}>{children}</AppContext>;
}

export function useApp(): App {
  const app = useContext(AppContext);
  if (!app) throw new Error('useApp() outside <AppProvider>');
  return app;
}

/**
 * Read a slice of the state. The selector must return something already in the state (not a new array or object),
 * or every store change would re-render the component; derive in the component with useMemo instead.
 */
export function useAppState<T>(selector: (state: AppState) => T): T {
  const { store } = useApp();
  return useSyncExternalStore(store.subscribe, () => selector(store.get()));
}
