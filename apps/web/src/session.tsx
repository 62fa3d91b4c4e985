import { createContext, ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { callApi, type Principal } from './api';

interface Session {
  token: string;
  user: Principal;
}

interface SessionContextValue {
  session: Session | undefined;
  signIn(username: string, password: string): Promise<Principal>;
  signOut(): void;
  /** GET (cancelled through `signal`, e.g. a search overtaken by the next keystroke) or POST as the signed-in user. */
  get<T>(path: string, signal?: AbortSignal): Promise<T>;
  post<T>(path: string, body: unknown): Promise<T>;
}

const STORAGE_KEY = 'pangolin.session';
const SessionContext = createContext<SessionContextValue | undefined>(undefined);

function storedSession(): Session | undefined {
  try {
    const session = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null') as Session | null;
    return session ?? undefined;
  } catch {
    return undefined;
  }
}

/** The bearer token lives in sessionStorage: it survives a reload, not the closing of the tab. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | undefined>(storedSession);
  // Cached answers belong to the user who asked: dropped whenever the user changes.
  const queryClient = useQueryClient();
  const signOut = useCallback(() => {
    sessionStorage.removeItem(STORAGE_KEY);
    queryClient.clear();
    setSession(undefined);
  }, [queryClient]);
  const value = useMemo<SessionContextValue>(() => {
    const token = session?.token;
    return {
      session,
      async signIn(username, password) {
        const answer = await callApi<{ accessToken: string; user: Principal }>('POST', '/auth/login', undefined, { username, password });
        const next = { token: answer.accessToken, user: answer.user };
        sessionStorage.setItem(STORAGE_KEY, JSON.stringify(next));
        queryClient.clear();
        setSession(next);
        return answer.user;
      },
      signOut,
      get: (path, signal) => callApi('GET', path, token, undefined, signal),
      post: (path, body) => callApi('POST', path, token, body),
    };
  }, [session, signOut, queryClient]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}
