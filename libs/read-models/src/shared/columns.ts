import { Column, ColumnOptions, ValueTransformer } from 'typeorm';

/**
 * Column helpers that behave the same on SQLite and PostgreSQL. A `bigint` column comes back as a
 * number from better-sqlite3 but as a string from node-postgres, so every bigint column goes through
 * a transformer that gives the application one type.
 */

/** Money in integer minor units (fen). Safe integers only, as the domain's Money type promises. */
export const minorUnits: ValueTransformer = {
  to: (value: number | undefined) => value,
  from: (value: number | string | null) => (value === null ? null : Number(value)),
};

/** 64-bit integers (global event positions, Merkle indices): bigint in the application, written as a decimal string so no driver rounds it. */
export const bigintTransformer: ValueTransformer = {
  to: (value: bigint | undefined | null) => (value === undefined || value === null ? value : value.toString()),
  from: (value: number | string | bigint | null) => (value === null ? null : BigInt(value)),
};

export function MinorUnitsColumn(options: Pick<ColumnOptions, 'nullable'> = {}): PropertyDecorator {
  return Column({ type: 'bigint', transformer: minorUnits, default: options.nullable ? undefined : 0, ...options });
}

export function PositionColumn(options: Pick<ColumnOptions, 'nullable'> = {}): PropertyDecorator {
  return Column({ type: 'bigint', transformer: bigintTransformer, ...options });
}

export function CurrencyColumn(): PropertyDecorator {
  return Column({ type: 'varchar', length: 3 });
}

/** An ISO-8601 timestamp (`2024-01-01T08:00:00.000Z`) or calendar date (`2024-01-01`) kept as text. */
export function IsoDateColumn(options: Pick<ColumnOptions, 'nullable'> = {}): PropertyDecorator {
  return Column({ type: 'varchar', length: 32, ...options });
}

export function TextColumn(options: Pick<ColumnOptions, 'nullable' | 'length'> = {}): PropertyDecorator {
  return Column({ type: 'varchar', length: 200, ...options });
}
