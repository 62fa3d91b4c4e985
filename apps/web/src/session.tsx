import { createContext, ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { ApiError, callApi, type Principal } from './api';
import { useI18n } from './i18n/i18n';

interface Session {
  token: string;
  user: Principal;
}

/** Why the user was signed out without asking: the sign-in page says so. */
export type SignOutReason = 'expired';

interface SessionContextValue {
  session: Session | undefined;
  /** Set when the API refused the session's token (it expired): cleared by the next sign-in. */
  signedOutBecause: SignOutReason | undefined;
  signIn(username: string, password: string): Promise<Principal>;
  signOut(): void;
  /** GET (cancelled through `signal`, e.g. a search overtaken by the next keystroke) or POST as the signed-in user. */
  get<T>(path: string, signal?: AbortSignal): Promise<T>;
  /** `headers`: extra request headers, e.g. an Idempotency-Key. */
  post<T>(path: string, body: unknown, headers?: Record<string, string>): Promise<T>;
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
  const [signedOutBecause, setSignedOutBecause] = useState<SignOutReason>();
  const { localize } = useI18n();
  // Cached answers belong to the user who asked: dropped whenever the user changes.
  const queryClient = useQueryClient();
  const signOut = useCallback(() => {
    sessionStorage.removeItem(STORAGE_KEY);
    queryClient.clear();
    setSession(undefined);
  }, [queryClient]);
  const value = useMemo<SessionContextValue>(() => {
    const token = session?.token;
    /** Every refusal said in the page's language; a token the API no longer takes ends the session (the sign-in page says why). */
    const call = async <T,>(run: () => Promise<T>): Promise<T> => {
      try {
        return await run();
      } catch (error) {
        if (token && error instanceof ApiError && error.status === 401) {
          signOut();
          setSignedOutBecause('expired');
        }
        throw localize(error);
      }
    };
    return {
      session,
      signedOutBecause,
      async signIn(username, password) {
        const answer = await call(() => callApi<{ accessToken: string; user: Principal }>('POST', '/auth/login', undefined, { username, password }));
        const next = { token: answer.accessToken, user: answer.user };
        sessionStorage.setItem(STORAGE_KEY, JSON.stringify(next));
        queryClient.clear();
        setSignedOutBecause(undefined);
        setSession(next);
        return answer.user;
      },
      signOut,
      get: (path, signal) => call(() => callApi('GET', path, token, undefined, signal)),
      post: (path, body, headers) => call(() => callApi('POST', path, token, body, undefined, headers)),
    };
  }, [session, signedOutBecause, signOut, queryClient, localize]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}
