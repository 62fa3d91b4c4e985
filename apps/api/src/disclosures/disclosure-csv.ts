import type { DisclosureEvent } from '@pangolin/domain';

export type CsvLanguage = 'en' | 'zh-CN' | 'both';

/** Labels of the CSV, in both languages. */
const LABELS = {
  section: ['section', '分类'],
  item: ['item', '项目'],
  detail: ['detail', '明细'],
  currency: ['currency', '币种'],
  value: ['value', '数值'],
  report: ['report', '报告'],
  reportId: ['report id', '报告编号'],
  version: ['version', '版本'],
  scope: ['scope', '范围'],
  platform: ['platform', '平台'],
  programme: ['programme', '项目计划'],
  periodFrom: ['period from (China Standard Time)', '期间起（北京时间）'],
  periodTo: ['period to (China Standard Time)', '期间止（北京时间）'],
  checkpointSize: ['signed checkpoint: log size', '签名检查点：日志大小'],
  checkpointRoot: ['signed checkpoint: root hash', '签名检查点：根哈希'],
  publishedAt: ['published at', '发布时间'],
  correctionNote: ['correction note', '更正说明'],
  money: ['money (yuan)', '资金（元）'],
  pledged: ['pledged', '认捐'],
  pledgesLapsed: ['pledges lapsed or withdrawn', '失效或撤回的认捐'],
  giftsReceived: ['gifts received (count)', '到账捐赠（笔）'],
  received: ['received', '到账'],
  allocatedToPremiums: ['allocated to premiums', '用于保费'],
  paidToInsurers: ['paid to insurers', '支付给保险公司'],
  premiumRefundsCredited: ['unearned premium returned to gifts', '退回捐赠的未到期保费'],
  refunded: ['refunded to donors', '退还捐赠人'],
  overhead: ['overhead', '管理费用'],
  awaitingPolicyIssue: ['premium awaiting policy issue (at period end)', '待出单保费（期末）'],
  held: ['held (at period end)', '留存资金（期末）'],
  keptForNextPremium: ['held: kept for the next premium', '留存：用于下一笔保费'],
  toBeRefunded: ['held: to be refunded', '留存：待退还'],
  claims: ['claims paid to households', '向农户支付的理赔'],
  claimsCount: ['count', '笔数'],
  claimsAmount: ['amount (yuan)', '金额（元）'],
  households: ['households', '农户'],
  eligible: ['eligible', '符合条件'],
  covered: ['covered', '已覆盖'],
  uncoveredEligible: ['eligible, not covered', '符合条件但未覆盖'],
  coverageRate: ['coverage rate (%)', '覆盖率（%）'],
  coveredByTheseGifts: ['covered by these gifts', '由这些捐赠覆盖'],
  region: ['region', '地区'],
} as const;

type Label = keyof typeof LABELS;

function label(key: Label, language: CsvLanguage): string {
  const [en, zh] = LABELS[key];
  return language === 'en' ? en : language === 'zh-CN' ? zh : `${zh} ${en}`;
}

/** Minor units as yuan with two decimals, from the integer (never a float). */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = BigInt(Math.abs(fen));
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}

/** Basis points as a percentage with two decimals (3333 -> 33.33). */
export function percent(basisPoints: number): string {
  return `${Math.floor(basisPoints / 100)}.${String(basisPoints % 100).padStart(2, '0')}`;
}

function cell(value: string | number): string {
  const text = String(value);
  // Quoted when needed; a leading formula character is neutralised so a spreadsheet never runs it.
  const safe = /^[=+\-@\t\r]/.test(text) && !/^-?\d/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The report as CSV: UTF-8 with a byte order mark (spreadsheets then read the Chinese right), CRLF lines. */
export function disclosureCsv(report: DisclosureEvent['data'], language: CsvLanguage): string {
  const l = (key: Label) => label(key, language);
  const rows: (string | number)[][] = [[l('section'), l('item'), l('detail'), l('currency'), l('value')]];
  const { figures } = report;
  const scope = report.scope.kind === 'platform' ? l('platform') : `${l('programme')} ${figures.scope.name ?? ''}`.trim();
  rows.push(
    [l('report'), l('reportId'), '', '', report.reportId],
    [l('report'), l('version'), '', '', report.version],
    [l('report'), l('scope'), report.scope.kind === 'programme' ? report.scope.programmeId : '', '', scope],
    [l('report'), l('periodFrom'), report.period.label ?? '', '', report.period.from],
    [l('report'), l('periodTo'), report.period.label ?? '', '', report.period.to],
    [l('report'), l('checkpointSize'), '', '', report.checkpoint.size],
    [l('report'), l('checkpointRoot'), '', '', report.checkpoint.rootHash],
    [l('report'), l('publishedAt'), '', '', report.publishedAt],
  );
  if (report.correctionNote !== null) rows.push([l('report'), l('correctionNote'), '', '', report.correctionNote]);
  for (const money of figures.money) {
    const add = (key: Label, fen: number) => rows.push([l('money'), l(key), '', money.currency, yuan(fen)]);
    add('pledged', money.pledged);
    add('pledgesLapsed', money.pledgesLapsed);
    rows.push([l('money'), l('giftsReceived'), '', money.currency, money.giftsReceived]);
    add('received', money.received);
    add('allocatedToPremiums', money.allocatedToPremiums);
    add('paidToInsurers', money.paidToInsurers);
    add('premiumRefundsCredited', money.premiumRefundsCredited);
    add('refunded', money.refunded);
    add('overhead', money.overhead);
    add('awaitingPolicyIssue', money.awaitingPolicyIssue);
    add('held', money.held.total);
    add('keptForNextPremium', money.held.keptForNextPremium);
    add('toBeRefunded', money.held.toBeRefunded);
    rows.push([l('claims'), l('claimsCount'), '', money.currency, money.claimsPaid.count], [l('claims'), l('claimsAmount'), '', money.currency, yuan(money.claimsPaid.amount)]);
    for (const peril of money.claimsPaid.byPeril) {
      rows.push([l('claims'), l('claimsCount'), peril.peril, money.currency, peril.count], [l('claims'), l('claimsAmount'), peril.peril, money.currency, yuan(peril.amount)]);
    }
  }
  const households = figures.households;
  const region = households.regionCode;
  rows.push(
    [l('households'), l('eligible'), region, '', households.eligible],
    [l('households'), l('covered'), region, '', households.covered],
    [l('households'), l('uncoveredEligible'), region, '', households.uncoveredEligible],
    [l('households'), l('coverageRate'), region, '', percent(households.coverageRateBasisPoints)],
    [l('households'), l('coveredByTheseGifts'), region, '', households.coveredByTheseGifts],
  );
  for (const entry of households.byRegion) {
    rows.push(
      [l('region'), l('eligible'), entry.regionCode, '', entry.eligible],
      [l('region'), l('covered'), entry.regionCode, '', entry.covered],
      [l('region'), l('uncoveredEligible'), entry.regionCode, '', entry.uncovered],
      [l('region'), l('coverageRate'), entry.regionCode, '', percent(entry.coverageRateBasisPoints)],
    );
  }
  return `\uFEFF${rows.map((row) => row.map(cell).join(',')).join('\r\n')}\r\n`;
}
