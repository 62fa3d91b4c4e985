import { useEffect, useState } from 'react';

/**
 * Routes live in the URL's hash (#/government/440305001), so the API's own paths (/gifts,
 * /households…) never collide with a page of the web application. A route may carry a query after
 * its path (#/verify?gift=…): useHashRoute leaves it out, useHashQuery reads it.
 */
function useHash(): string {
  const [hash, setHash] = useState(() => window.location.hash);
  useEffect(() => {
    const onChange = () => setHash(window.location.hash);
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return hash;
}

export function useHashRoute(): string[] {
  return useHash().replace(/^#\/?/, '').split('?')[0].split('/').filter(Boolean);
}

/** The query of the hash route (`gift` in #/verify?gift=…). */
export function useHashQuery(): URLSearchParams {
  const hash = useHash();
  const start = hash.indexOf('?');
  return new URLSearchParams(start < 0 ? '' : hash.slice(start + 1));
}

export function navigate(path: string): void {
  window.location.hash = `#/${path.replace(/^\//, '')}`;
}

/** The absolute address of a page of this application (for a link printed on paper or in a QR code). */
export function pageUrl(path: string): string {
  return `${window.location.origin}${window.location.pathname}#/${path.replace(/^\//, '')}`;
}
