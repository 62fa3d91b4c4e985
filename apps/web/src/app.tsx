import { lazy, Suspense, type ComponentType, type ReactNode } from 'react';
import type { Role } from './api';
import { Loading } from './components/common';
import { PageBoundary } from './components/page-boundary';
import { LANGUAGES, useI18n, type Language } from './i18n/i18n';
import { HOME_OF, SignInPage } from './pages/sign-in';
import { navigate, useHashQuery, useHashRoute } from './router';
import { useSession } from './session';

// Each page's code is fetched the first time it is shown, so a first visit loads the framework and
// one page, not every role's: a donor's phone never downloads the officer's or the insurer's pages.
// Signing in stays in the first file: every role's page may lead to it.
// Module[Name] is the page's own component type, so its props stay checked where it is used.
function lazyPage<Name extends string, Module extends Record<Name, ComponentType<any>>>(load: () => Promise<Module>, name: Name) {
  return lazy(async () => ({ default: (await load())[name] }));
}
const CertificatePage = lazyPage(() => import('./pages/certificate'), 'CertificatePage');
const ClaimPage = lazyPage(() => import('./pages/claim'), 'ClaimPage');
const DisclosurePage = lazyPage(() => import('./pages/disclosure'), 'DisclosurePage');
const DeclarationPage = lazyPage(() => import('./pages/disasters'), 'DeclarationPage');
const DeclarationList = lazyPage(() => import('./pages/disasters'), 'DeclarationList');
const DonorPage = lazyPage(() => import('./pages/donor'), 'DonorPage');
const GovernmentPage = lazyPage(() => import('./pages/government'), 'GovernmentPage');
const HouseholdPage = lazyPage(() => import('./pages/household'), 'HouseholdPage');
const InsurerPage = lazyPage(() => import('./pages/insurer'), 'InsurerPage');
const LedgerPage = lazyPage(() => import('./pages/ledger'), 'LedgerPage');
const PublicPage = lazyPage(() => import('./pages/public'), 'PublicPage');
const VerifyPage = lazyPage(() => import('./pages/verify'), 'VerifyPage');

const LANGUAGE_NAMES: Record<Language, string> = { 'zh-CN': '中文', en: 'English' };

export function App() {
  const { t, label, language, setLanguage } = useI18n();
  const { session, signOut, signedOutBecause } = useSession();
  const [page, ...rest] = useHashRoute();
  const query = useHashQuery();
  const role = session?.user.role;

  /** A page for some roles: anyone else is asked to sign in, told why (the session expired, not signed in, or another role). */
  const forRole = (allowed: Role[], content: () => ReactNode) => {
    if (role && allowed.includes(role)) return content();
    if (role) return <SignInPage notice={{ kind: 'wrong-role', for: allowed, as: role }} />;
    return <SignInPage notice={{ kind: signedOutBecause ?? 'needed' }} />;
  };
  let content: ReactNode;
  switch (page) {
    case 'sign-in':
      content = <SignInPage notice={signedOutBecause && !session ? { kind: signedOutBecause } : undefined} />;
      break;
    case 'government':
      content = forRole(['government'], () => <GovernmentPage key={rest[0] ?? 'own'} region={rest[0]} />);
      break;
    case 'verify': {
      // #/verify?gift=<id>, the link a gift's certificate prints as a QR code, loads that gift's receipt.
      const giftId = query.get('gift') ?? undefined;
      content = <VerifyPage key={giftId ?? ''} giftId={giftId} />;
      break;
    }
    case 'certificate':
      content = rest[0] ? forRole(['donor'], () => <CertificatePage key={rest[0]} giftId={rest[0]} />) : <PublicPage />;
      break;
    case 'household':
      content = rest[0] ? forRole(['government', 'insurer'], () => <HouseholdPage key={rest[0]} householdId={rest[0]} />) : <PublicPage />;
      break;
    case 'claim':
      content = rest[0] ? forRole(['insurer', 'government'], () => <ClaimPage key={rest[0]} claimId={rest[0]} />) : <PublicPage />;
      break;
    case 'donor':
      content = forRole(['donor'], () => <DonorPage />);
      break;
    case 'insurer':
      content = forRole(['insurer'], () => <InsurerPage />);
      break;
    case 'disclosure':
      content = rest[0] ? <DisclosurePage key={rest.join('/')} reportId={rest[0]} version={rest[1]} /> : <PublicPage />;
      break;
    case 'disasters':
      content = rest[0] ? <DeclarationPage key={rest[0]} declarationId={rest[0]} /> : <DeclarationList />;
      break;
    case 'ledger':
      content = forRole(['auditor', 'admin'], () => <LedgerPage />);
      break;
    default:
      content = <PublicPage />;
  }

  return (
    <>
      <a className="skip-link" href="#main" onClick={(event) => (event.preventDefault(), document.getElementById('main')?.focus())}>
        {t('app.skip')}
      </a>
      <header className="top">
        <a className="brand" href="#/">
          {t('app.name')}
        </a>
        <nav aria-label={t('app.navigation')}>
          <ul>
            <li>
              <a href="#/" aria-current={!page ? 'page' : undefined}>
                {t('nav.public')}
              </a>
            </li>
            <li>
              <a href="#/disasters" aria-current={page === 'disasters' ? 'page' : undefined}>
                {t('nav.disasters')}
              </a>
            </li>
            {role && (
              <li>
                <a href={`#/${HOME_OF[role]}`} aria-current={page === HOME_OF[role] ? 'page' : undefined}>
                  {t(`nav.${HOME_OF[role]}` as 'nav.government')}
                </a>
              </li>
            )}
          </ul>
        </nav>
        <div className="top-actions">
          <label className="language">
            <span className="visually-hidden">{t('app.language')}</span>
            <select value={language} onChange={(event) => setLanguage(event.target.value as Language)} aria-label={t('app.language')} data-testid="language">
              {(Object.keys(LANGUAGES) as Language[]).map((code) => (
                <option key={code} value={code} lang={code}>
                  {LANGUAGE_NAMES[code]}
                </option>
              ))}
            </select>
          </label>
          {session ? (
            <>
              <span className="who">
                {session.user.displayName} ({label('role', session.user.role)})
              </span>
              <button
                type="button"
                className="secondary"
                onClick={() => {
                  signOut();
                  navigate('sign-in');
                }}
              >
                {t('app.signOut')}
              </button>
            </>
          ) : (
            <a className="button" href="#/sign-in">
              {t('app.signIn')}
            </a>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <PageBoundary key={page}>
          <Suspense fallback={<Loading />}>{content}</Suspense>
        </PageBoundary>
      </main>
      <footer>
        <p>
          {t('app.footer')} · <a href="/docs">{t('app.apiDocs')}</a>
        </p>
      </footer>
    </>
  );
}
