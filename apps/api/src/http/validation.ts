import { ArgumentMetadata, BadRequestException, Injectable, ParseUUIDPipe, ValidationError, ValidationPipe } from '@nestjs/common';
import { ERROR_CODES, type ErrorCode, type ErrorParam, ruleCode } from '@pangolin/domain';
import { getMetadataStorage, ValidatorOptions } from 'class-validator';
import { textViolations } from './text';

export interface Violation {
  field: string;
  rule: string;
  message: string;
  /** Stated when the rule's own words do not give them (see violationCode). */
  code?: ErrorCode;
  params?: Record<string, ErrorParam>;
}

/** The limits a class-validator rule was declared with, as the parameters of its code. */
function declaredLimits(error: ValidationError, rule: string): Record<string, ErrorParam> {
  const target = error.target?.constructor;
  if (!target) return {};
  const declared = getMetadataStorage()
    .getTargetValidationMetadatas(target, '', true, false)
    .find((metadata) => metadata.propertyName === error.property && metadata.name === rule);
  const [limit] = declared?.constraints ?? [];
  if (rule === 'maxLength' || rule === 'max' || rule === 'arrayMaxSize') return { max: limit };
  if (rule === 'minLength' || rule === 'min' || rule === 'arrayMinSize') return { min: limit };
  if (rule === 'isIn') return { allowed: limit };
  return {};
}

/**
 * The stable code of a violation: the domain's, when its words are a rule the domain knows (a DTO
 * saying `must be a calendar date in the form YYYY-MM-DD` means invalid.date), else
 * `validation.<rule>` with the limits the rule was declared with.
 */
function violationCode(violation: Violation): { code: ErrorCode; params: Record<string, ErrorParam> } {
  const { field, rule, message } = violation;
  if (violation.code) return { code: violation.code, params: { field, ...violation.params } };
  // "regionCodes: each of regionCodes must be…" (a rule on each item of a list) is that rule too.
  const words = message.startsWith(`${field} `) ? message.slice(field.length + 1) : message.replace(new RegExp(`^${field.replace(/[.[\]]/g, '\\$&')}: `), '').replace(/^each of \S+ /, '');
  const known = ruleCode(words);
  if (known.code !== 'invalid.other') return { code: known.code, params: { field, ...known.params } };
  const code = `validation.${rule}`;
  return (ERROR_CODES as readonly string[]).includes(code) ? { code: code as ErrorCode, params: { field, ...violation.params } } : { code: 'validation.other', params: { field, rule } };
}

/** Flattens class-validator's tree into one entry per broken rule, naming the field by its full path. */
function violations(errors: ValidationError[], parent = ''): Violation[] {
  return errors.flatMap((error) => {
    // Array items are named like the domain names them: personal.members[0].name.
    const field = !parent ? error.property : /^\d+$/.test(error.property) ? `${parent}[${error.property}]` : `${parent}.${error.property}`;
    const own = Object.entries(error.constraints ?? {}).map(([rule, message]) => ({
      field,
      rule,
      message: message.startsWith(error.property) ? `${field}${message.slice(error.property.length)}` : `${field}: ${message}`,
      params: declaredLimits(error, rule),
    }));
    return [...own, ...violations(error.children ?? [], field)];
  });
}

/**
 * The 400 every refused input gets: each broken rule in `message`, and as {field, rule, code, params}
 * in `violations`; the answer's own code and parameters are its first violation's.
 */
export function badRequest(list: Violation[]): BadRequestException {
  const coded = list.map((violation) => ({ field: violation.field, rule: violation.rule, ...violationCode(violation) }));
  return new BadRequestException({ statusCode: 400, error: 'Bad Request', message: list.map((v) => v.message), code: coded[0]?.code ?? 'validation.other', params: coded[0]?.params ?? {}, violations: coded });
}

/**
 * Whitelisting DTO validation: unknown fields are refused, every failure names the field and the
 * rule. On top of each DTO's own rules, for every request: a body a DTO is expected for must be a
 * JSON object (`null` is not read as `{}`), and every string, in the body, the query or the path,
 * must be well-formed text (see ./text.ts).
 */
export class PangolinValidationPipe extends ValidationPipe {
  constructor() {
    // Each error keeps its target (Nest drops it by default): the limits a rule was declared with (maxLength's max…) are read from its class.
    super({ whitelist: true, forbidNonWhitelisted: true, transform: true, validationError: { target: true }, exceptionFactory: (errors) => badRequest(violations(errors)) });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata) {
    if (metadata.type === 'query' || metadata.type === 'param') {
      // A repeated query parameter arrives as an array; no named parameter of this API takes several.
      if (metadata.type === 'query' && metadata.data !== undefined && Array.isArray(value)) {
        throw badRequest([{ field: metadata.data, rule: 'isSingleValue', message: `${metadata.data} must be given once` }]);
      }
      const found = textViolations(value, metadata.data ?? metadata.type);
      if (found.length) throw badRequest(found);
    }
    const expectsObject = metadata.type === 'body' && this.toValidate(metadata);
    if (expectsObject && value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value))) {
      throw badRequest([{ field: 'body', rule: 'isObject', message: 'body must be a JSON object' }]);
    }
    return super.transform(value, metadata);
  }

  protected override async validate(object: object, validatorOptions?: ValidatorOptions): Promise<ValidationError[]> {
    const errors = await super.validate(object, validatorOptions);
    // Named by their full path already: the flattening above keeps a top-level property as the field.
    const textErrors = textViolations(object).map(({ field, rule, message }): ValidationError => ({ property: field, constraints: { [rule]: message }, children: [] }));
    return [...errors, ...textErrors];
  }
}

/**
 * The violations of one object against a DTO class, checked as the pipe checks a request body
 * (whitelisting, unknown fields refused, well-formed text), without throwing: for inputs that carry
 * many records, each judged on its own (an import's rows).
 */
export async function violationsOf(dto: new () => object, value: unknown): Promise<Violation[]> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [{ field: 'row', rule: 'isObject', message: 'row must be a JSON object' }];
  try {
    await new PangolinValidationPipe().transform(value, { type: 'body', metatype: dto, data: undefined });
    return [];
  } catch (error) {
    if (error instanceof BadRequestException) {
      const body = error.getResponse() as { message: string[]; violations: { field: string; rule: string }[] };
      return body.violations.map((violation, index) => ({ ...violation, message: body.message[index] }));
    }
    throw error;
  }
}

export function pangolinValidationPipe(): ValidationPipe {
  return new PangolinValidationPipe();
}

/** ParseUUIDPipe whose 400 names the parameter and the rule, in the same shape as a body's violations. */
@Injectable()
export class ParseUuidParam extends ParseUUIDPipe {
  override async transform(value: string, metadata: ArgumentMetadata) {
    try {
      return await super.transform(value, metadata);
    } catch (error) {
      if (!(error instanceof BadRequestException)) throw error;
      const field = metadata.data ?? metadata.type;
      throw badRequest([{ field, rule: 'isUuid', message: `${field} must be a UUID` }]);
    }
  }
}
