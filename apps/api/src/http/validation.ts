import { ArgumentMetadata, BadRequestException, Injectable, ParseUUIDPipe, ValidationError, ValidationPipe } from '@nestjs/common';

/** Flattens class-validator's tree into one entry per broken rule, naming the field by its full path. */
function violations(errors: ValidationError[], parent = ''): { field: string; rule: string; message: string }[] {
  return errors.flatMap((error) => {
    // Array items are named like the domain names them: personal.members[0].name.
    const field = !parent ? error.property : /^\d+$/.test(error.property) ? `${parent}[${error.property}]` : `${parent}.${error.property}`;
    const own = Object.entries(error.constraints ?? {}).map(([rule, message]) => ({
      field,
      rule,
      message: message.startsWith(error.property) ? `${field}${message.slice(error.property.length)}` : `${field}: ${message}`,
    }));
    return [...own, ...violations(error.children ?? [], field)];
  });
}

/** Whitelisting DTO validation: unknown fields are refused, every failure names the field and the rule. */
export function pangolinValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => {
      const list = violations(errors);
      return new BadRequestException({ statusCode: 400, error: 'Bad Request', message: list.map((v) => v.message), violations: list.map(({ field, rule }) => ({ field, rule })) });
    },
  });
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
      throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: [`${field} must be a UUID`], violations: [{ field, rule: 'isUuid' }] });
    }
  }
}
