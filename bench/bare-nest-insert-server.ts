/**
 * A second reference for the gifts-over-HTTP benchmark (not part of the platform): the bare route of
 * bare-insert-server.ts, served through the platform's framework instead of plain Fastify. NestJS on
 * the same Fastify adapter, one controller, a class-validator body checked by a global
 * ValidationPipe as the platform checks every body, and the same one raw SQLite INSERT (WAL,
 * synchronous=FULL). No guard, no domain, no projection: what any request of the platform costs
 * before Pangolin does its own work, so the benchmark can show how much of its budget the fixed
 * stack takes. Started as a child process by gifts-over-http.bench.ts; prints "listening on <url>".
 *
 * Run: node dist/bench/bare-nest-insert-server.js <sqlite file>
 */
import 'reflect-metadata';
import { Body, Controller, HttpCode, Module, Post, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsString, MaxLength, Min, ValidateNested } from 'class-validator';
import { openItemsTable } from './bare-items-table';

class AmountBody {
  @IsInt()
  @Min(1)
  amount!: number;

  @IsIn(['CNY'])
  currency!: string;
}

class ItemBody {
  @ValidateNested()
  @Type(() => AmountBody)
  amount!: AmountBody;

  @IsString()
  @MaxLength(200)
  reference!: string;
}

const filename = process.argv[2];
if (!filename) throw new Error('usage: bare-nest-insert-server.js <sqlite file>');
const { db, insert } = openItemsTable(filename);

@Controller('items')
class ItemsController {
  @Post()
  @HttpCode(201)
  create(@Body() body: ItemBody): { id: number } {
    return { id: Number(insert.run(JSON.stringify(body)).lastInsertRowid) };
  }
}

@Module({ controllers: [ItemsController] })
class BareModule {}

async function main() {
  const app = await NestFactory.create<NestFastifyApplication>(BareModule, new FastifyAdapter(), { logger: ['error', 'warn'] });
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  await app.listen(0, '127.0.0.1');
  console.log(`listening on ${await app.getUrl()}`);
  process.once('SIGTERM', () => void app.close().then(() => db.close()));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
