import { AuthScreen } from './components/auth/AuthScreen';
import { MainLayout } from './components/layout/MainLayout';
import { useAppState } from './store/react';

export function App() {
  const signedIn = useAppState((s) => s.signedIn);
  return signedIn ? <MainLayout /> : <AuthScreen />;
}
