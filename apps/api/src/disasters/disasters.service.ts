import { BadRequestException, ForbiddenException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { disasterDecider, regionContains, streams, type ConfirmDisasterDeclaration, type DisputeDisasterDeclaration } from '@pangolin/domain';
import { productsCoveringPeril, productTermsByVersion } from '@pangolin/application';
import { EventStore } from '@pangolin/event-store';
import * as views from '@pangolin/read-models';
import { EVENT_STORE, Principal, READ_DB } from '@pangolin/runtime';
import { RequestContext } from '../http/request-context';
import { CommandRunner } from '../infrastructure/command-runner.service';
import { actingInsurer } from '../products/products.commands';
import { ConfirmDeclarationDto, DeclareDisasterDto, DisputeDeclarationDto } from './disasters.dto';

/**
 * Disaster declarations: the government declares, the insurers whose parametric products cover the
 * peril confirm or dispute, and the disaster payout process pays on each confirmation. Reads show
 * everyone the declarations, their figures and pseudonymous household codes; the ids of households,
 * policies and claims and the payout references only to the governments of the declared area and
 * the insurers that confirmed.
 */
@Injectable()
export class DisastersService {
  constructor(
    private readonly commands: CommandRunner,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_DB) private readonly db: DataSource,
  ) {}

  async declare(context: RequestContext, body: DeclareDisasterDto) {
    const { role, regionCode } = context.user;
    if (role !== 'government' || !regionCode) throw new ForbiddenException('only a local government can declare a disaster');
    const declarationId = context.newId();
    await this.commands.run(disasterDecider, streams.disasterDeclaration(declarationId), {
      type: 'DeclareDisaster',
      data: { declarationId, governmentRegion: regionCode, ...body, now: this.commands.now() },
    }, context);
    return { declarationId, status: 'declared' };
  }

  confirm(context: RequestContext, declarationId: string, body: ConfirmDeclarationDto) {
    return this.answerDeclaration(context, declarationId, 'confirmed', (facts, now) => ({ type: 'ConfirmDisasterDeclaration', data: { ...facts, paymentFileReference: body.paymentFileReference, now } }));
  }

  dispute(context: RequestContext, declarationId: string, body: DisputeDeclarationDto) {
    return this.answerDeclaration(context, declarationId, 'disputed', (facts, now) => ({ type: 'DisputeDisasterDeclaration', data: { ...facts, reason: body.reason, now } }));
  }

  /** An insurer's answer to a declaration (confirm, dispute), decided with the insurer's products that cover its peril. */
  private async answerDeclaration<S extends string>(
    context: RequestContext,
    declarationId: string,
    status: S,
    answer: (facts: { declarationId: string; insurerId: string; coveringProductIds: string[] }, now: string) => ConfirmDisasterDeclaration | DisputeDisasterDeclaration,
  ) {
    const insurerId = actingInsurer(context);
    const coveringProductIds = await this.coveringProducts(insurerId, declarationId);
    await this.commands.run(disasterDecider, streams.disasterDeclaration(declarationId), answer({ declarationId, insurerId, coveringProductIds }, this.commands.now()), context);
    return { declarationId, status };
  }

  /** The insurer's products that cover the declared peril in some version (a fact for the decider). */
  private async coveringProducts(insurerId: string, declarationId: string): Promise<string[]> {
    const declaration = await this.commands.state(disasterDecider, streams.disasterDeclaration(declarationId));
    if (!declaration.declared) throw new NotFoundException(`declaration ${declarationId} not found`);
    const products = await this.db.manager.find(views.ProductRow, { where: { insurerId }, select: { productId: true } });
    return productsCoveringPeril(this.store, products.map(({ productId }) => productId), declaration.peril);
  }

  /** `mine`: a government's own (declared within its region), an insurer's (a peril its parametric products cover). */
  async list(user: Principal | undefined, page: views.PageRequest, mine: boolean) {
    return views.mapPage(await views.listDisasterDeclarations(this.db.manager, page, mine ? await this.ownDeclarations(user) : {}), (row) => this.declarationView(row, user));
  }

  private async ownDeclarations(user: Principal | undefined): Promise<views.DeclarationFilter> {
    if (user?.role === 'government' && user.regionCode) return { declaredWithin: user.regionCode };
    if (user?.role === 'insurer' && user.insurerId) {
      const products = await this.db.manager.find(views.ProductRow, { where: { insurerId: user.insurerId }, select: { productId: true } });
      const perils = new Set<string>();
      for (const { productId } of products) {
        for (const terms of (await productTermsByVersion(this.store, productId)).values()) for (const peril of terms.parametric?.perils ?? []) perils.add(peril);
      }
      return { perils: [...perils] };
    }
    throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: ['mine is for a government or an insurer signed in'], violations: [{ field: 'mine', rule: 'signedInGovernmentOrInsurer' }] });
  }

  async get(user: Principal | undefined, declarationId: string) {
    return this.declarationView(await this.declaration(declarationId), user);
  }

  async payouts(user: Principal | undefined, declarationId: string, page: views.PageRequest) {
    const declaration = await this.declaration(declarationId);
    const full = this.maySeeDetails(declaration, user);
    return views.mapPage(await views.disasterPayouts(this.db.manager, declarationId, page), (payout) => {
      const { householdCode, villageCode, insurerId, amount, currency, batchNumber, paidAt } = payout;
      const shown = { householdCode, villageCode, insurerId, amount: { amount, currency }, batchNumber, paidAt };
      return full ? { ...shown, householdId: payout.householdId, policyId: payout.policyId, claimId: payout.claimId, payoutReference: payout.payoutReference } : shown;
    });
  }

  async uncovered(user: Principal | undefined, declarationId: string, page: views.PageRequest) {
    const declaration = await this.declaration(declarationId);
    const full = this.maySeeDetails(declaration, user);
    return views.mapPage(await views.uncoveredHouseholds(this.db.manager, declaration, page), ({ householdId, householdCode, villageCode, category, size }) =>
      full ? { householdCode, villageCode, category, size, householdId } : { householdCode, villageCode, category, size },
    );
  }

  private async declaration(declarationId: string): Promise<views.DisasterDeclarationRow> {
    const row = await views.disasterDeclaration(this.db.manager, declarationId);
    if (!row) throw new NotFoundException(`declaration ${declarationId} not found`);
    return row;
  }

  private maySeeDetails(declaration: views.DisasterDeclarationRow, user: Principal | undefined): boolean {
    if (user?.role === 'government' && user.regionCode) {
      const own = user.regionCode;
      return declaration.regionCodes.some((code) => regionContains(own, code) || regionContains(code, own));
    }
    if (user?.role === 'insurer') return declaration.answers.some(({ insurerId, status }) => insurerId === user.insurerId && status === 'confirmed');
    return false;
  }

  private declarationView(row: views.DisasterDeclarationRow, user: Principal | undefined) {
    const { declarationId, declaredBy, peril, regionCodes, incidentFrom, incidentTo, severity, authorityReference, declaredAt, answers, policiesPaid, amountPaid, currency } = row;
    const confirmed = answers.filter(({ status }) => status === 'confirmed');
    const status = confirmed.length === 0 ? (answers.length === 0 ? 'declared' : 'disputed') : confirmed.every(({ completedAt }) => completedAt !== null) ? 'paid' : 'paying';
    return {
      declarationId, declaredBy, peril, regionCodes, incidentFrom, incidentTo, severity, authorityReference, declaredAt, status, answers,
      policiesPaid, amountPaid: currency ? { amount: amountPaid, currency } : null, detailsShown: this.maySeeDetails(row, user),
    };
  }
}
