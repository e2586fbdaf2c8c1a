CREATE TABLE "attestation_revocations" (
	"id" text PRIMARY KEY NOT NULL,
	"attestation" text NOT NULL,
	"issued_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "attestations" (
	"id" text PRIMARY KEY NOT NULL,
	"party" text NOT NULL,
	"key" text NOT NULL,
	"role" text NOT NULL,
	"issued_at" text NOT NULL,
	"expires_at" text,
	"revoked_by" text,
	"revoked_at" text
);
--> statement-breakpoint
CREATE TABLE "foreign_objects" (
	"origin" text NOT NULL,
	"idx" bigint NOT NULL,
	"id" text NOT NULL,
	"kind" text NOT NULL,
	"jws" text NOT NULL,
	"party" text,
	"subject" text,
	"received_at" text NOT NULL,
	CONSTRAINT "foreign_objects_origin_idx_pk" PRIMARY KEY("origin","idx")
);
--> statement-breakpoint
CREATE TABLE "key_compromises" (
	"kid" text PRIMARY KEY NOT NULL,
	"party" text NOT NULL,
	"compromised_at" text NOT NULL,
	"id" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "log_checkpoints" (
	"size" bigint PRIMARY KEY NOT NULL,
	"root" "bytea" NOT NULL,
	"note" text NOT NULL,
	"signed_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "log_hashes" (
	"level" integer NOT NULL,
	"idx" bigint NOT NULL,
	"hash" "bytea" NOT NULL,
	CONSTRAINT "log_hashes_level_idx_pk" PRIMARY KEY("level","idx")
);
--> statement-breakpoint
CREATE TABLE "log_head" (
	"id" integer PRIMARY KEY NOT NULL,
	"size" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "objects" (
	"seq" bigint PRIMARY KEY NOT NULL,
	"id" text NOT NULL,
	"kind" text NOT NULL,
	"jws" text NOT NULL,
	"received_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "parties" (
	"party_id" text PRIMARY KEY NOT NULL,
	"current_id" text NOT NULL,
	"issued_at" text NOT NULL,
	"role" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "party_keys" (
	"kid" text PRIMARY KEY NOT NULL,
	"party" text NOT NULL,
	"x" text NOT NULL,
	"seq" bigint NOT NULL,
	"bound_by" text NOT NULL,
	"bound_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "peer_refusals" (
	"origin" text NOT NULL,
	"idx" bigint NOT NULL,
	"reason" text NOT NULL,
	"detail" text NOT NULL,
	"at" text NOT NULL,
	CONSTRAINT "peer_refusals_origin_idx_pk" PRIMARY KEY("origin","idx")
);
--> statement-breakpoint
CREATE TABLE "peers" (
	"url" text PRIMARY KEY NOT NULL,
	"node_key" text NOT NULL,
	"peer_key" text DEFAULT '' NOT NULL,
	"origin" text NOT NULL,
	"state" text NOT NULL,
	"cursor" bigint NOT NULL,
	"peaks" "bytea" NOT NULL,
	"checkpoint_note" text,
	"evidence" text,
	"added_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "record_ids" (
	"identifier" text NOT NULL,
	"record_id" text NOT NULL,
	CONSTRAINT "record_ids_identifier_record_id_pk" PRIMARY KEY("identifier","record_id")
);
--> statement-breakpoint
CREATE TABLE "records" (
	"id" text PRIMARY KEY NOT NULL,
	"seq" bigint NOT NULL,
	"issuer" text NOT NULL,
	"work_type" text NOT NULL,
	"ids" text NOT NULL,
	"purposes" text NOT NULL,
	"conditions" text,
	"issued_at" text NOT NULL,
	"valid_from" text NOT NULL,
	"valid_until" text,
	"supersedes" text,
	"superseded_by" text,
	"superseded_at" text,
	"revoked_by" text,
	"revoked_at" text
);
--> statement-breakpoint
CREATE TABLE "revocations" (
	"id" text PRIMARY KEY NOT NULL,
	"record" text NOT NULL,
	"issuer" text NOT NULL,
	"issued_at" text NOT NULL
);
--> statement-breakpoint
CREATE INDEX "attestations_party" ON "attestations" USING btree ("party");--> statement-breakpoint
CREATE INDEX "foreign_objects_id" ON "foreign_objects" USING btree ("id");--> statement-breakpoint
CREATE UNIQUE INDEX "objects_id" ON "objects" USING btree ("id");--> statement-breakpoint
CREATE INDEX "party_keys_party" ON "party_keys" USING btree ("party","seq");--> statement-breakpoint
CREATE INDEX "records_issuer_seq" ON "records" USING btree ("issuer","seq");--> statement-breakpoint
INSERT INTO "log_head" ("id", "size") VALUES (1, 0);
