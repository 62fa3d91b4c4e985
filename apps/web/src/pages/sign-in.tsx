import { FormEvent, useState } from 'react';
import { ApiError, type Role } from '../api';
import { Field, FormMessage } from '../components/form';
import { DataTable, Section, useApi, type Column } from '../components/common';
import { useI18n } from '../i18n/i18n';
import { useRegionNames } from '../components/regions';
import { navigate, useHashQuery } from '../router';
import { useSession } from '../session';

export const HOME_OF: Record<Role, string> = { government: 'government', donor: 'donor', insurer: 'insurer', auditor: 'ledger', admin: 'ledger' };

interface DemoAccounts {
  password: string | null;
  accounts: { username: string; role: Role; displayName: string; regionCode?: string; insurerId?: string }[];
}

/**
 * Why this page shows instead of the one asked for: the session expired, the page needs a
 * sign-in, or it is for other roles than the one signed in (`for`).
 */
export type SignInNotice = { kind: 'expired' } | { kind: 'needed' } | { kind: 'wrong-role'; for: Role[]; as: Role };

export function SignInPage({ notice }: { notice?: SignInNotice }) {
  const { t, label, language } = useI18n();
  const { signIn, session } = useSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string>();
  const demo = useApi<DemoAccounts>('/auth/demo-accounts');
  // A page that sent the person here to sign in (#/sign-in?then=verify%3Fgift%3D…): one of this application's routes only.
  const then = useHashQuery().get('then');
  const returnTo = then && /^[a-z-]+(?:\/[\w-]+)*(?:\?[\w=&%-]*)?$/.test(then) ? then : undefined;
  const regionName = useRegionNames((demo.data?.accounts ?? []).map((account) => account.regionCode));

  const demoColumns: Column<DemoAccounts['accounts'][number]>[] = [
    { id: 'username', header: t('signIn.username'), cell: (account) => <code>{account.username}</code> },
    { id: 'role', header: t('signIn.role'), cell: (account) => label('role', account.role) },
    { id: 'scope', header: t('signIn.scope'), cell: (account) => (account.regionCode ? regionName(account.regionCode) : account.insurerId ?? '—') },
    {
      id: 'use',
      header: t('signIn.use'),
      cell: (account) => (
        <button
          type="button"
          className="secondary"
          aria-label={t('signIn.useAccount', { username: account.username })}
          onClick={() => {
            setUsername(account.username);
            setPassword(demo.data?.password ?? '');
          }}
        >
          {t('signIn.use')}
        </button>
      ),
    },
  ];

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setErrors({});
    setFormError(undefined);
    try {
      const user = await signIn(username, password);
      navigate(returnTo ?? HOME_OF[user.role]);
    } catch (error) {
      if (error instanceof ApiError && Object.keys(error.fieldErrors).length) setErrors(error.fieldErrors);
      else setFormError(error instanceof ApiError && error.status === 401 ? t('signIn.wrong') : error instanceof Error ? error.message : t('error.unexpected'));
    }
  };

  return (
    <div className="grid two">
      <Section title={t('signIn.title')} id="sign-in">
        {notice && (
          <div className="notice" role="alert" data-testid="sign-in-notice">
            <p>
              {notice.kind === 'expired'
                ? t('signIn.expired')
                : notice.kind === 'needed'
                  ? t('signIn.needed')
                  : t('signIn.wrongRole', { roles: new Intl.ListFormat(language, { type: 'disjunction' }).format(notice.for.map((role) => label('role', role))), role: label('role', notice.as) })}
            </p>
            {notice.kind === 'wrong-role' && session && <a href={`#/${HOME_OF[session.user.role]}`}>{t('signIn.backHome')}</a>}
          </div>
        )}
        <form onSubmit={submit} noValidate>
          <Field label={t('signIn.username')} name="username" value={username} onChange={setUsername} error={errors.username} />
          <Field label={t('signIn.password')} name="password" type="password" value={password} onChange={setPassword} error={errors.password} />
          <FormMessage error={formError} />
          <button type="submit">{t('signIn.submit')}</button>
        </form>
      </Section>
      {demo.data && demo.data.accounts.length > 0 && (
        <Section title={t('signIn.demoTitle')} id="demo-accounts">
          <p>{t('signIn.demoIntro', { password: demo.data.password ?? '' })}</p>
          <DataTable label={t('signIn.demoTitle')} columns={demoColumns} rows={demo.data.accounts} rowKey={(account) => account.username} />
        </Section>
      )}
    </div>
  );
}
