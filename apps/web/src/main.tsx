import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { worthAskingAgain } from './api';
import { App } from './app';
import { I18nProvider } from './i18n/i18n';
import { SessionProvider } from './session';
import './styles.css';

// An answer is fresh for 30 s (switching pages back and forth asks nothing again); a command marks every answer stale.
// A failed read is asked once more only when that could help (worthAskingAgain): a refusal shows at once.
const queryClient = new QueryClient({
  defaultOptions: { queries: { staleTime: 30_000, retry: (failures, error) => failures < 1 && worthAskingAgain(error), refetchOnWindowFocus: false } },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <I18nProvider>
        <SessionProvider>
          <App />
        </SessionProvider>
      </I18nProvider>
    </QueryClientProvider>
  </StrictMode>,
);
