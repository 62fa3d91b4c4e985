import { Logger } from '@nestjs/common';
import { PangolinConfig } from '../config/configuration';

/** Anyone verifying checkpoints and receipts needs the public key: say it at every start. */
export function logTransparencyKey({ transparency }: PangolinConfig): void {
  const { keySource } = transparency;
  const generated = keySource.kind === 'file' && keySource.generated ? ` (a new signing key was generated and stored in ${keySource.path}: keep it safe and back it up)` : '';
  Logger.log(`Transparency log ${transparency.origin}: checkpoints and receipts verify with the key ${transparency.verifierKey}${generated}`, 'Pangolin');
}
