import type { AuditFinding, AuditReport, EventIdentity } from './audit-log';

/** The audit's verdict as plain text: one line starting "Audit passed:" or "Audit FAILED:", then details. */
export function formatAuditReport(report: AuditReport): string {
  if (!report.ok && report.finding) return `Audit FAILED: ${describeFinding(report.finding!)}`;
  const lines: string[] = [];
  const events = `${report.logSize} event${report.logSize === 1n ? '' : 's'}`;
  const latest = report.latestCheckpoint;
  if (!latest) lines.push(`Audit passed: ${events}, root ${report.root}; no checkpoint has been signed yet, so the events were compared with the stored hashes only.`);
  else if (latest.size === report.logSize) lines.push(`Audit passed: ${events}, root ${report.root} matches the checkpoint of size ${latest.size} signed ${latest.signedAt}.`);
  else lines.push(`Audit passed: ${events}, root ${report.root}; the latest checkpoint (size ${latest.size}, signed ${latest.signedAt}) matches the events at its size.`);
  if (report.checkpointsVerified > 0) lines.push(`${report.checkpointsVerified} signed checkpoint${report.checkpointsVerified === 1 ? '' : 's'} verified.`);
  if (report.eventsNotYetLogged) lines.push(`${report.eventsNotYetLogged} newer event${report.eventsNotYetLogged === 1n ? ' is' : 's are'} not in the log yet (not yet projected).`);
  return lines.join('\n');
}

export function describeFinding(finding: AuditFinding): string {
  switch (finding.kind) {
    case 'altered':
      if (!finding.event) return `the event after position ${finding.afterPosition} (leaf ${finding.leafIndex}, logged as id ${finding.loggedEventId}) was altered: ${finding.detail}.`;
      return `${theEvent(finding.event, finding.leafIndex)} was altered: ${finding.detail}.`;
    case 'removed': {
      const now = finding.nowAtPosition
        ? `the event now at leaf ${finding.leafIndex} (position ${finding.nowAtPosition.position}, id ${finding.nowAtPosition.eventId}) was logged at leaf ${finding.leafIndex + BigInt(finding.count)}`
        : 'the event store has no events after it';
      return `the event at position ${finding.expectedPosition} (leaf ${finding.leafIndex}, id ${finding.loggedEventId}) was removed: the event store no longer has it, and ${now}.`;
    }
    case 'inserted':
      return `${theEvent(finding.event, finding.leafIndex)} was inserted: the log never recorded it, and the events after it are shifted by ${finding.count}.`;
    case 'reordered':
      return `${theEvent(finding.event, finding.leafIndex)} was reordered: the log recorded it at leaf ${finding.loggedAt}, and recorded event ${finding.loggedEventId} at leaf ${finding.leafIndex}.`;
    case 'stored-hash-edited':
      if (finding.level === 0) {
        return `the stored hash of leaf ${finding.index} (event ${finding.eventId}) in merkle_subtree_hashes was edited: it is ${finding.stored}, but the event hashes to ${finding.recomputed} and the stored tree above it agrees with the event.`;
      }
      return `the stored hash of ${subtree(finding.level, finding.index)} in merkle_subtree_hashes was edited: it is ${finding.stored}, the events give ${finding.recomputed}.`;
    case 'stored-hash-missing':
      return `the stored hash of ${subtree(finding.level, finding.index)} is missing from the Merkle log.`;
    case 'stored-hash-unexpected':
      return `merkle_subtree_hashes holds a hash of ${subtree(finding.level, finding.index)}, which is not part of the log.`;
    case 'leaf-record-edited':
      return `the stored event id of leaf ${finding.leafIndex} in merkle_subtree_hashes was edited: it names ${finding.loggedEventId ?? 'no event'}, but the leaf's hash is that of the event at position ${finding.event.position} (id ${finding.event.eventId}).`;
    case 'checkpoint-invalid':
      return `the checkpoint of size ${finding.size} signed ${finding.signedAt} does not verify with the log's verifier key: ${finding.reason}.`;
    case 'checkpoint-mismatch': {
      const since = finding.lastMatching
        ? `the checkpoint of size ${finding.lastMatching.size} signed ${finding.lastMatching.signedAt} still matches`
        : 'no earlier checkpoint matches';
      return (
        `the checkpoint of size ${finding.size} signed ${finding.signedAt} does not match the events: their root at size ${finding.size} is ${finding.recomputedRoot}, the checkpoint signed ${finding.signedRoot}. ` +
        `The stored hashes agree with the events, so both were rewritten after it was signed: an event among leaves ${finding.fromLeaf} to ${finding.size - 1n} was altered, removed, inserted or reordered (${since}).`
      );
    }
    case 'trail-map-mismatch':
      return (
        `the checkpoint of size ${finding.size} signed ${finding.signedAt} commits to a trail map the events do not give: it signed ${finding.signed}, the events' trails give ${finding.recomputed}. ` +
        'A gift\'s trail was changed (an event added to or left out of it) when the map was made, or the trail tables were edited.'
      );
    case 'log-shorter-than-checkpoint':
      return (
        `the log has ${finding.logSize} leaves, but a checkpoint of size ${finding.size} was signed ${finding.signedAt}: leaves ${finding.logSize} to ${finding.size - 1n} are missing ` +
        `(events were removed, or the read models were rebuilt and have not caught up; ${finding.eventsNotYetLogged} stored events are not in the log yet).`
      );
  }
}

function theEvent(event: EventIdentity, leafIndex: bigint): string {
  return `the event at position ${event.position} (leaf ${leafIndex}, id ${event.eventId}, stream ${event.streamId}, revision ${event.revision})`;
}

function subtree(level: number, index: bigint): string {
  if (level === 0) return `leaf ${index}`;
  const first = index << BigInt(level);
  return `the subtree at level ${level}, index ${index} (leaves ${first} to ${first + (1n << BigInt(level)) - 1n})`;
}
