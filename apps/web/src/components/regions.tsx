import { useQuery } from '@tanstack/react-query';
import { useSession } from '../session';

/** As many codes as the API names in one request. */
const MAX_CODES = 100;

/**
 * The names of the divisions `codes` (those the installation's code table knows), asked once for
 * the lot: a page of a list names its regions in one request, not one per row. Returns a labeller:
 * "南山区 440305" ("南山区" where room is short), or the bare code while the names load or when
 * the table lacks it.
 */
export function useRegionNames(codes: readonly (string | null | undefined)[]): (code: string | null | undefined, short?: 'short') => string {
  const { get } = useSession();
  const wanted = [...new Set(codes.filter((code): code is string => typeof code === 'string' && /^\d{2,12}$/.test(code)))].sort().slice(0, MAX_CODES);
  const names = useQuery({
    queryKey: ['/regions/names', wanted.join(',')],
    queryFn: ({ signal }) => get<{ names: Record<string, string> }>(`/regions/names?codes=${wanted.join(',')}`, signal),
    enabled: wanted.length > 0,
    // Names of divisions change with the code table, not with commands.
    staleTime: Infinity,
  });
  return (code, short) => {
    if (!code) return '—';
    const name = names.data?.names[code];
    return name ? (short ? name : `${name} ${code}`) : code;
  };
}
