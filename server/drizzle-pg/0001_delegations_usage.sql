CREATE TABLE "delegations" (
	"id" text PRIMARY KEY NOT NULL,
	"principal" text NOT NULL,
	"agent" text NOT NULL,
	"from" text NOT NULL,
	"valid_until" text,
	"revoked_by" text,
	"revoked_at" text
);
--> statement-breakpoint
CREATE TABLE "labels" (
	"number" bigint PRIMARY KEY NOT NULL,
	"id" text NOT NULL,
	"declaration" text NOT NULL,
	"valid_until" text NOT NULL,
	"revoked_by" text,
	"revoked_at" text
);
--> statement-breakpoint
CREATE TABLE "usage_citations" (
	"declaration" text NOT NULL,
	"item" integer NOT NULL,
	"record" text NOT NULL,
	"holder" text NOT NULL,
	"purpose" text NOT NULL,
	"ids" text NOT NULL,
	"uses" bigint NOT NULL,
	"compensation" text,
	CONSTRAINT "usage_citations_declaration_item_record_pk" PRIMARY KEY("declaration","item","record")
);
--> statement-breakpoint
CREATE TABLE "usage_declarations" (
	"id" text PRIMARY KEY NOT NULL,
	"seq" bigint NOT NULL,
	"declarant" text NOT NULL,
	"subject" text NOT NULL,
	"period_from" text NOT NULL,
	"period_until" text NOT NULL,
	"revenue" text,
	"items" integer NOT NULL,
	"received_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "usage_manifests" (
	"declaration" text PRIMARY KEY NOT NULL,
	"body" text NOT NULL
);
--> statement-breakpoint
CREATE INDEX "delegations_principal" ON "delegations" USING btree ("principal");--> statement-breakpoint
CREATE INDEX "delegations_agent" ON "delegations" USING btree ("agent");--> statement-breakpoint
CREATE UNIQUE INDEX "labels_declaration" ON "labels" USING btree ("declaration");--> statement-breakpoint
CREATE INDEX "usage_citations_holder" ON "usage_citations" USING btree ("holder","declaration","item");--> statement-breakpoint
CREATE INDEX "usage_citations_record" ON "usage_citations" USING btree ("record");--> statement-breakpoint
CREATE INDEX "usage_declarations_declarant" ON "usage_declarations" USING btree ("declarant","seq");