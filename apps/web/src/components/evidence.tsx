import { useState } from 'react';
import { useI18n } from '../i18n/i18n';
import { useSession } from '../session';

/** A claim's evidence file as the API lists it: name, SHA-256 of its bytes (as the log records it), type, size. */
export interface EvidenceFile {
  name: string;
  sha256: string;
  mediaType: string;
  size: number;
}

const ACCEPT = 'application/pdf,image/jpeg,image/png,image/webp';

/**
 * A claim's evidence: each file opens (fetched with the session's token, shown from memory), and a
 * file whose bytes no longer match the SHA-256 in the log is reported as altered, not shown.
 */
export function EvidenceList({ policyId, claimId, files, listed }: { policyId: string; claimId: string; files: EvidenceFile[]; listed: string[] }) {
  const { t } = useI18n();
  const { session } = useSession();
  const [problems, setProblems] = useState<Record<string, string>>({});
  if (files.length === 0 && listed.length === 0) return null;
  const open = async (file: EvidenceFile) => {
    const response = await fetch(`/policies/${policyId}/claims/${claimId}/evidence/${file.sha256}`, { headers: { authorization: `Bearer ${session?.token}` } });
    if (!response.ok) {
      const answer = await response.json().catch(() => ({}));
      setProblems((current) => ({ ...current, [file.sha256]: answer.reason === 'evidence-altered' ? t('evidence.altered') : t('evidence.unavailable') }));
      return;
    }
    window.open(URL.createObjectURL(await response.blob()), '_blank', 'noopener');
  };
  return (
    <div className="evidence">
      <strong>{t('evidence.title')}</strong>
      <ul>
        {listed.map((item) => (
          <li key={item}>{item}</li>
        ))}
        {files.map((file) => (
          <li key={file.sha256} data-sha256={file.sha256}>
            <button type="button" className="link" onClick={() => open(file)}>
              {file.name}
            </button>{' '}
            <small className="muted" title={t('evidence.hashTitle')}>
              SHA-256 {file.sha256.slice(0, 12)}… · {Math.ceil(file.size / 1024)} KiB
            </small>
            {problems[file.sha256] && (
              <p className="field-error" role="alert">
                {problems[file.sha256]}
              </p>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Files chosen for a claim, each uploaded to the evidence store as soon as chosen; `onChange` gets what the claim should name. */
export function EvidenceUpload({ onChange }: { onChange(files: { name: string; sha256: string }[]): void }) {
  const { t } = useI18n();
  const { session } = useSession();
  const [uploaded, setUploaded] = useState<{ name: string; sha256: string }[]>([]);
  const [error, setError] = useState<string>();
  const choose = async (chosen: FileList | null) => {
    setError(undefined);
    const next = [...uploaded];
    for (const file of Array.from(chosen ?? [])) {
      let response: Response;
      try {
        response = await fetch('/evidence', { method: 'POST', headers: { authorization: `Bearer ${session?.token}`, 'content-type': file.type || 'application/octet-stream' }, body: file });
      } catch {
        // No answer at all (the connection dropped): said in the page's language, like every other refusal.
        setError(t('error.network'));
        continue;
      }
      const answer = await response.json().catch(() => ({}));
      if (!response.ok) {
        setError(t('evidence.uploadRefused', { name: file.name }));
        continue;
      }
      next.push({ name: file.name, sha256: answer.sha256 });
    }
    setUploaded(next);
    onChange(next);
  };
  return (
    <div className="field">
      <label htmlFor="evidence-files">{t('evidence.files')}</label>
      <input id="evidence-files" type="file" multiple accept={ACCEPT} onChange={(event) => void choose(event.target.files)} />
      <small className="hint">{t('evidence.filesHint')}</small>
      {uploaded.length > 0 && <p className="muted">{uploaded.map((file) => file.name).join('、')}</p>}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
