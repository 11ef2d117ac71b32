import { useCallback, useEffect, useState } from 'react';

const joinRoute = /^#\/join\/([A-Za-z0-9_-]{16,64})\/?$/u;

function tokenInHash(): string | null {
  return joinRoute.exec(location.hash)?.[1] ?? null;
}

/**
 * An invite link opens the app at `#/join/<token>`. The hash survives the login screen (nothing navigates), so the
 * join dialog shows as soon as the user is signed in. `clear()` removes the hash without adding a history entry.
 */
export function useJoinLink(): { token: string | null; clear: () => void } {
  const [token, setToken] = useState(tokenInHash);

  useEffect(() => {
    const onHash = () => setToken(tokenInHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  const clear = useCallback(() => {
    if (tokenInHash() !== null) history.replaceState(null, '', `${location.pathname}${location.search}`);
    setToken(null);
  }, []);

  return { token, clear };
}
