import { InvalidCommand } from './errors';

/** A required text field (an id, a name, a reason): a string with more than white space in it. */
export function assertText(value: string, field: string): void {
  if (typeof value !== 'string' || value.trim() === '') throw new InvalidCommand(field, 'must not be empty');
}

/** A required text field with a length limit of its own (a reference copied from an outside document): 1 to `maxLength` characters. */
export function assertTextWithin(value: string, field: string, maxLength: number): void {
  if (typeof value !== 'string' || value.trim() === '' || value.length > maxLength) throw new InvalidCommand(field, `must be 1 to ${maxLength} characters`);
}
