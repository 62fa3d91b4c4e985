import { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from './schema-of';

/** The read models and their checkpoints, as of the first release (generated from the entities, then reviewed). */
export class CreateReadModels1764000000000 implements MigrationInterface {
  name = 'CreateReadModels1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await queryRunner.query(`CREATE TABLE "${schema}"."projection_checkpoints" ("name" character varying(100) NOT NULL, "position" bigint NOT NULL, "updatedAt" character varying(32) NOT NULL, CONSTRAINT "PK_0f69cb98ee85030b5da44336510" PRIMARY KEY ("name"))`);
    await queryRunner.query(`CREATE TABLE "${schema}"."catalogue_products" ("productId" character varying(64) NOT NULL, "insurerId" character varying(64) NOT NULL, "version" integer NOT NULL, "name" character varying(200) NOT NULL, "coverageKind" character varying(32) NOT NULL, "annualPremium" bigint NOT NULL DEFAULT '0', "sumInsured" bigint NOT NULL DEFAULT '0', "currency" character varying(3) NOT NULL, "waitingPeriodDays" integer NOT NULL, "termDays" integer NOT NULL, "retired" boolean NOT NULL DEFAULT false, "publishedAt" character varying(32) NOT NULL, "updatedAt" character varying(32) NOT NULL, CONSTRAINT "PK_76a9edaa1dc360416827563651c" PRIMARY KEY ("productId"))`);
    await queryRunner.query(`CREATE INDEX "IDX_781908cccadf23493c8908b2b4" ON "${schema}"."catalogue_products"  ("insurerId")`);
    await queryRunner.query(`CREATE TABLE "${schema}"."catalogue_programmes" ("programmeId" character varying(64) NOT NULL, "name" character varying(200) NOT NULL, "regionCode" character varying(12) NOT NULL, "productId" character varying(64) NOT NULL, "launchedBy" character varying(64) NOT NULL, "launchedAt" character varying(32) NOT NULL, "closed" boolean NOT NULL DEFAULT false, "closedAt" character varying(32), CONSTRAINT "PK_6fc10637116ecff69b9417d4854" PRIMARY KEY ("programmeId"))`);
    await queryRunner.query(`CREATE TABLE "${schema}"."catalogue_policies" ("policyId" character varying(64) NOT NULL, "householdId" character varying(64) NOT NULL, "productId" character varying(64) NOT NULL, "productVersion" integer NOT NULL, "insurerId" character varying(64) NOT NULL, "status" character varying(16) NOT NULL, "policyNumber" character varying(64), "premium" bigint NOT NULL DEFAULT '0', "sumInsured" bigint NOT NULL DEFAULT '0', "currency" character varying(3) NOT NULL, "waitingPeriodDays" integer NOT NULL, "termDays" integer NOT NULL, "startDate" character varying(32), "endDate" character varying(32), "claimsPaid" bigint NOT NULL DEFAULT '0', "requestedAt" character varying(32) NOT NULL, "issuedAt" character varying(32), "cancellationEffectiveDate" character varying(32), "unearnedPremiumReturned" bigint NOT NULL DEFAULT '0', CONSTRAINT "PK_d4524fdecad1fbc2913ff021b94" PRIMARY KEY ("policyId"))`);
    await queryRunner.query(`CREATE INDEX "IDX_6087dccbfc5245b7521b60446b" ON "${schema}"."catalogue_policies"  ("householdId")`);
    await queryRunner.query(`CREATE INDEX "IDX_261126885363d8efe5545b2d41" ON "${schema}"."catalogue_policies"  ("insurerId")`);
    await queryRunner.query(`CREATE TABLE "${schema}"."catalogue_claims" ("claimId" character varying(64) NOT NULL, "policyId" character varying(64) NOT NULL, "householdId" character varying(64) NOT NULL, "insurerId" character varying(64) NOT NULL, "state" character varying(16) NOT NULL, "kind" character varying(32) NOT NULL, "incidentDate" character varying(32) NOT NULL, "amountClaimed" bigint NOT NULL DEFAULT '0', "approvedAmount" bigint, "paidAmount" bigint, "currency" character varying(3) NOT NULL, "filedByRole" character varying(16) NOT NULL, "filedById" character varying(64) NOT NULL, "filedAt" character varying(32) NOT NULL, "decidedAt" character varying(32), "rejectionReason" character varying(500), "paidAt" character varying(32), "payoutReference" character varying(100), "fundedBy" text, CONSTRAINT "PK_c0823d1206ca1e88efb05df626b" PRIMARY KEY ("claimId"))`);
    await queryRunner.query(`CREATE INDEX "IDX_f253416e1fbc4ed6d022a3332d" ON "${schema}"."catalogue_claims"  ("policyId")`);
    await queryRunner.query(`CREATE INDEX "IDX_883ad6b5604466ea185758f4bb" ON "${schema}"."catalogue_claims"  ("insurerId")`);
    await queryRunner.query(`CREATE TABLE "${schema}"."households" ("householdId" character varying(64) NOT NULL, "householdCode" character varying(64) NOT NULL, "villageCode" character varying(12) NOT NULL, "townCode" character varying(9) NOT NULL, "countyCode" character varying(6) NOT NULL, "category" character varying(32) NOT NULL, "size" integer NOT NULL, "eligible" boolean NOT NULL DEFAULT false, "verifiedPosition" bigint, "verifiedAt" character varying(32), "revokedAt" character varying(32), "revocationReason" character varying(500), "registeredBy" character varying(12) NOT NULL, "registeredAt" character varying(32) NOT NULL, "personal" text NOT NULL, CONSTRAINT "PK_cb48875660060627c4298dd9d17" PRIMARY KEY ("householdId"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_d4858e4e406dc901e13bef7c20" ON "${schema}"."households"  ("householdCode")`);
    await queryRunner.query(`CREATE INDEX "IDX_0354e391e7b877b6c1b0757909" ON "${schema}"."households"  ("villageCode")`);
    await queryRunner.query(`CREATE TABLE "${schema}"."household_funding" ("householdId" character varying(64) NOT NULL, "productId" character varying(64) NOT NULL, "round" integer NOT NULL, "policyId" character varying(64) NOT NULL, "premium" bigint NOT NULL DEFAULT '0', "funded" bigint NOT NULL DEFAULT '0', "currency" character varying(3) NOT NULL, "status" character varying(16) NOT NULL, "activePolicyId" character varying(64), "updatedAt" character varying(32) NOT NULL, CONSTRAINT "PK_b8559852116e69530a90da6c62f" PRIMARY KEY ("householdId", "productId"))`);
    await queryRunner.query(`CREATE INDEX "IDX_dddcb73be25db8d6ccdb8a0f32" ON "${schema}"."household_funding"  ("policyId")`);
    await queryRunner.query(`CREATE TABLE "${schema}"."donor_gifts" ("giftId" character varying(64) NOT NULL, "donorId" character varying(64) NOT NULL, "targetKind" character varying(16) NOT NULL, "householdId" character varying(64), "programmeId" character varying(64), "regionCode" character varying(12), "productId" character varying(64) NOT NULL, "remainderChoice" character varying(8) NOT NULL, "status" character varying(24) NOT NULL, "currency" character varying(3) NOT NULL, "pledged" bigint NOT NULL DEFAULT '0', "received" bigint NOT NULL DEFAULT '0', "allocated" bigint NOT NULL DEFAULT '0', "premiumRefundsCredited" bigint NOT NULL DEFAULT '0', "refunded" bigint NOT NULL DEFAULT '0', "declaredHeld" bigint NOT NULL DEFAULT '0', "pledgedAt" character varying(32) NOT NULL, "paymentReference" character varying(100), "paidAt" character varying(32), CONSTRAINT "PK_778cb4622e3bb3e86aa1702d149" PRIMARY KEY ("giftId"))`);
    await queryRunner.query(`CREATE INDEX "IDX_f1011707aa32a0ce9f47cd6dfa" ON "${schema}"."donor_gifts"  ("donorId")`);
    await queryRunner.query(`CREATE TABLE "${schema}"."donor_gift_allocations" ("allocationId" character varying(64) NOT NULL, "giftId" character varying(64) NOT NULL, "householdId" character varying(64) NOT NULL, "productId" character varying(64) NOT NULL, "policyId" character varying(64) NOT NULL, "amount" bigint NOT NULL DEFAULT '0', "currency" character varying(3) NOT NULL, "allocatedAt" character varying(32) NOT NULL, CONSTRAINT "PK_02af8626b2965d74ef3ee5e1b45" PRIMARY KEY ("allocationId"))`);
    await queryRunner.query(`CREATE INDEX "IDX_80bcab1146658443bd94830e71" ON "${schema}"."donor_gift_allocations"  ("giftId")`);
    await queryRunner.query(`CREATE TABLE "${schema}"."donor_gift_refunds" ("eventId" character varying(64) NOT NULL, "giftId" character varying(64) NOT NULL, "kind" character varying(24) NOT NULL, "policyId" character varying(64), "amount" bigint NOT NULL DEFAULT '0', "currency" character varying(3) NOT NULL, "reason" character varying(500), "at" character varying(32) NOT NULL, CONSTRAINT "PK_bf4fad1c86b8e33977cf0d0db30" PRIMARY KEY ("eventId"))`);
    await queryRunner.query(`CREATE INDEX "IDX_d164437e4b2ca436310bb87cb4" ON "${schema}"."donor_gift_refunds"  ("giftId")`);
    await queryRunner.query(`CREATE TABLE "${schema}"."dashboard_households" ("householdId" character varying(64) NOT NULL, "villageCode" character varying(12) NOT NULL, "eligible" boolean NOT NULL DEFAULT false, "activePolicies" integer NOT NULL DEFAULT '0', CONSTRAINT "PK_90599f4167af6a16ab5d7fc22bd" PRIMARY KEY ("householdId"))`);
    await queryRunner.query(`CREATE INDEX "IDX_7aac297a7d310ea1f2255a24b1" ON "${schema}"."dashboard_households"  ("villageCode")`);
    await queryRunner.query(`CREATE TABLE "${schema}"."dashboard_gifts" ("giftId" character varying(64) NOT NULL, "regionCode" character varying(12) NOT NULL, CONSTRAINT "PK_cb029dcf6da06bae248f8e8b54c" PRIMARY KEY ("giftId"))`);
    await queryRunner.query(`CREATE TABLE "${schema}"."dashboard_region_money" ("regionCode" character varying(12) NOT NULL, "currency" character varying(3) NOT NULL, "received" bigint NOT NULL DEFAULT '0', "allocated" bigint NOT NULL DEFAULT '0', "claimsPaid" bigint NOT NULL DEFAULT '0', CONSTRAINT "PK_9246fea82d779877730bd859898" PRIMARY KEY ("regionCode", "currency"))`);
    await queryRunner.query(`CREATE TABLE "${schema}"."public_gifts" ("giftId" character varying(64) NOT NULL, "donorId" character varying(64) NOT NULL, "programmeId" character varying(64), "currency" character varying(3) NOT NULL, "pledged" bigint NOT NULL DEFAULT '0', "received" bigint NOT NULL DEFAULT '0', "allocated" bigint NOT NULL DEFAULT '0', "paidToInsurers" bigint NOT NULL DEFAULT '0', "premiumRefundsCredited" bigint NOT NULL DEFAULT '0', "refunded" bigint NOT NULL DEFAULT '0', "claimsPaid" bigint NOT NULL DEFAULT '0', CONSTRAINT "PK_956648353b8334e9a047a86a8c9" PRIMARY KEY ("giftId"))`);
    await queryRunner.query(`CREATE INDEX "IDX_f3843703fad8dd4feed65f0c9e" ON "${schema}"."public_gifts"  ("programmeId")`);
    await queryRunner.query(`CREATE TABLE "${schema}"."public_allocations" ("allocationId" character varying(64) NOT NULL, "giftId" character varying(64) NOT NULL, "programmeId" character varying(64), "householdId" character varying(64) NOT NULL, "policyId" character varying(64) NOT NULL, "policyActive" boolean NOT NULL DEFAULT false, CONSTRAINT "PK_38eb499782aae00333bc4983c39" PRIMARY KEY ("allocationId"))`);
    await queryRunner.query(`CREATE INDEX "IDX_25ba9f691abacb206bc7473c85" ON "${schema}"."public_allocations"  ("programmeId")`);
    await queryRunner.query(`CREATE INDEX "IDX_e5b11ed6b3b887f55d6f34ac2b" ON "${schema}"."public_allocations"  ("policyId")`);
    await queryRunner.query(`CREATE TABLE "${schema}"."ledger_postings" ("postingId" character varying(100) NOT NULL, "kind" character varying(48) NOT NULL, "currency" character varying(3) NOT NULL, "giftIds" text NOT NULL, "eventId" character varying(64) NOT NULL, "position" bigint NOT NULL, CONSTRAINT "PK_7ca643efc3cbae0b1421ac4463f" PRIMARY KEY ("postingId"))`);
    await queryRunner.query(`CREATE INDEX "IDX_0ae2e3b7a380b39b4ce20e4ec2" ON "${schema}"."ledger_postings"  ("eventId")`);
    await queryRunner.query(`CREATE INDEX "IDX_c03c1330f988ef613b2a8b0026" ON "${schema}"."ledger_postings"  ("position")`);
    await queryRunner.query(`CREATE TABLE "${schema}"."ledger_entries" ("postingId" character varying(100) NOT NULL, "line" integer NOT NULL, "account" character varying(120) NOT NULL, "amount" bigint NOT NULL DEFAULT '0', "currency" character varying(3) NOT NULL, "giftIds" text NOT NULL, "eventId" character varying(64) NOT NULL, "position" bigint NOT NULL, CONSTRAINT "PK_351740ef0812ed6b9c3ab1197c0" PRIMARY KEY ("postingId", "line"))`);
    await queryRunner.query(`CREATE INDEX "IDX_3ceb515216e78783a13c803687" ON "${schema}"."ledger_entries"  ("account")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(`DROP TABLE "${schema}"."ledger_entries"`);
    await queryRunner.query(`DROP TABLE "${schema}"."ledger_postings"`);
    await queryRunner.query(`DROP TABLE "${schema}"."public_allocations"`);
    await queryRunner.query(`DROP TABLE "${schema}"."public_gifts"`);
    await queryRunner.query(`DROP TABLE "${schema}"."dashboard_region_money"`);
    await queryRunner.query(`DROP TABLE "${schema}"."dashboard_gifts"`);
    await queryRunner.query(`DROP TABLE "${schema}"."dashboard_households"`);
    await queryRunner.query(`DROP TABLE "${schema}"."donor_gift_refunds"`);
    await queryRunner.query(`DROP TABLE "${schema}"."donor_gift_allocations"`);
    await queryRunner.query(`DROP TABLE "${schema}"."donor_gifts"`);
    await queryRunner.query(`DROP TABLE "${schema}"."household_funding"`);
    await queryRunner.query(`DROP TABLE "${schema}"."households"`);
    await queryRunner.query(`DROP TABLE "${schema}"."catalogue_claims"`);
    await queryRunner.query(`DROP TABLE "${schema}"."catalogue_policies"`);
    await queryRunner.query(`DROP TABLE "${schema}"."catalogue_programmes"`);
    await queryRunner.query(`DROP TABLE "${schema}"."catalogue_products"`);
    await queryRunner.query(`DROP TABLE "${schema}"."projection_checkpoints"`);
  }
}
