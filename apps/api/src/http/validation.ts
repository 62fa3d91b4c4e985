import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';

/** Flattens class-validator's tree into one entry per broken rule, naming the field by its full path. */
function violations(errors: ValidationError[], parent = ''): { field: string; rule: string; message: string }[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
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
