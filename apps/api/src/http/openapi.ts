import { INestApplication } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ModulesContainer } from '@nestjs/core';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { getMetadataStorage } from 'class-validator';
import { IS_PUBLIC, REQUIRED_ROLES } from '@pangolin/runtime';
import { PAGING_CONVENTION } from './paging';
import { ParseUuidParam } from './validation';

type Schema = Record<string, any>;
/** The part of class-validator's record of one decorator (ValidationMetadata) read here. */
interface ValidationRule {
  propertyName: string;
  name?: string;
  constraints?: unknown[];
  each?: boolean;
}
const BEARER = 'bearer';
/** Where @ApiBearerAuth() on a method records itself (@nestjs/swagger's DECORATORS.API_SECURITY). */
const API_SECURITY = 'swagger/apiSecurity';
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'] as const;

/**
 * The OpenAPI document served at /docs. What it says about security and limits is read from what
 * the server enforces, so the two cannot drift: the auth guard's @Public() marks, the DTOs'
 * class-validator rules and the UUID pipes on path and query parameters. Each operation names the
 * roles that may call it in `x-pangolin-roles` (absent: any signed-in caller, or anyone if public).
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Pangolin')
      .setDescription(`Directed insurance donations: every yuan traceable from gift to premium, policy and claim. Money is integer minor units (fen).\n\n**Lists.** ${PAGING_CONVENTION}`)
      .setVersion('0.1.0')
      .addBearerAuth(undefined, BEARER)
      .build(),
  );
  describeValidatorLimits(document);
  const handlers = routeHandlers(app);
  for (const operation of operations(document)) {
    const handler = handlers.get(operation.operationId);
    if (!handler) continue;
    operation.security = securityOf(handler);
    if (handler.roles) operation['x-pangolin-roles'] = handler.roles;
    for (const parameter of operation.parameters ?? []) {
      if (handler.uuidParameters.has(`${parameter.in}:${parameter.name}`)) parameter.schema = { ...parameter.schema, type: 'string', format: 'uuid' };
    }
  }
  return document;
}

interface RouteHandler {
  isPublic: boolean;
  /** The roles @Roles() allows (any signed-in caller when absent). */
  roles?: string[];
  /** Public, and answers more to a signed-in caller (marked with @ApiBearerAuth on the method). */
  tokenOptional: boolean;
  /** `path:householdId`, `query:productId`: parameters checked by ParseUuidParam. */
  uuidParameters: Set<string>;
}

/** No security for public routes (an optional token where it shows more), the bearer token for every other. */
function securityOf(handler: RouteHandler): Record<string, string[]>[] {
  if (!handler.isPublic) return [{ [BEARER]: [] }];
  return handler.tokenOptional ? [{}, { [BEARER]: [] }] : [];
}

function operations(document: OpenAPIObject): Schema[] {
  return Object.values(document.paths).flatMap((item) => HTTP_METHODS.map((method) => (item as Schema)[method]).filter(Boolean));
}

/** Every controller method by the operationId Swagger gives it (`Controller_method`). */
function routeHandlers(app: INestApplication): Map<string, RouteHandler> {
  const handlers = new Map<string, RouteHandler>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const { metatype } of module.controllers.values()) {
      if (!metatype) continue;
      const controller = metatype as new (...args: unknown[]) => unknown;
      const classPublic = Reflect.getMetadata(IS_PUBLIC, controller) === true;
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const method = controller.prototype[name];
        if (name === 'constructor' || typeof method !== 'function') continue;
        const isPublic = Reflect.getMetadata(IS_PUBLIC, method) ?? classPublic;
        const roles: string[] | undefined = Reflect.getMetadata(REQUIRED_ROLES, method) ?? Reflect.getMetadata(REQUIRED_ROLES, controller);
        const uuidParameters = new Set<string>();
        const args: Record<string, { data?: string; pipes?: unknown[] }> = Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) ?? {};
        for (const [key, argument] of Object.entries(args)) {
          const type = Number(key.split(':')[0]);
          const location = type === RouteParamtypes.PARAM ? 'path' : type === RouteParamtypes.QUERY ? 'query' : undefined;
          if (location && argument.data && argument.pipes?.some((pipe) => pipe === ParseUuidParam || pipe instanceof ParseUuidParam)) uuidParameters.add(`${location}:${argument.data}`);
        }
        handlers.set(`${controller.name}_${name}`, { isPublic, roles, tokenOptional: isPublic && Reflect.getMetadata(API_SECURITY, method) !== undefined, uuidParameters });
      }
    }
  }
  return handlers;
}

/** Writes each DTO's class-validator rules into its schema as the JSON Schema keywords that say the same. */
function describeValidatorLimits(document: OpenAPIObject): void {
  const schemas = (document.components?.schemas ?? {}) as Record<string, Schema>;
  const byClass: Map<Function, ValidationRule[]> = Reflect.get(getMetadataStorage(), 'validationMetadatas');
  for (const [target, rules] of byClass) {
    const schema = schemas[target.name];
    if (!schema?.properties) continue;
    for (const rule of rules) {
      const property = schema.properties[rule.propertyName];
      if (!property || property.$ref) continue;
      const integer = rules.some((other) => other.propertyName === rule.propertyName && other.name === 'isInt');
      Object.assign(rule.each && property.items ? property.items : property, keywordsFor(rule, integer));
    }
  }
}

function keywordsFor(rule: ValidationRule, integer: boolean): Schema {
  const [constraint] = rule.constraints ?? [];
  switch (rule.name) {
    case 'maxLength':
      return { maxLength: constraint };
    case 'minLength':
      return { minLength: constraint };
    case 'isNotEmpty':
      return { minLength: 1 };
    case 'matches':
      return { pattern: (constraint as RegExp).source };
    case 'max':
      return { maximum: constraint };
    case 'min':
      return { minimum: constraint };
    case 'isPositive':
      return integer ? { minimum: 1 } : { minimum: 0, exclusiveMinimum: true };
    case 'isInt':
      return { type: 'integer' };
    case 'arrayMaxSize':
      return { maxItems: constraint };
    case 'isUuid':
      return { format: 'uuid' };
    case 'isCalendarDate':
      return { format: 'date' };
    case 'isIn':
      return { enum: constraint };
    default:
      return {};
  }
}
