CREATE TABLE `attestation_revocations` (
	`id` text PRIMARY KEY NOT NULL,
	`attestation` text NOT NULL,
	`issued_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `attestations` (
	`id` text PRIMARY KEY NOT NULL,
	`party` text NOT NULL,
	`key` text NOT NULL,
	`role` text NOT NULL,
	`issued_at` text NOT NULL,
	`expires_at` text,
	`revoked_by` text,
	`revoked_at` text
);
--> statement-breakpoint
CREATE INDEX `attestations_party` ON `attestations` (`party`);--> statement-breakpoint
CREATE TABLE `objects` (
	`seq` integer PRIMARY KEY NOT NULL,
	`id` text NOT NULL,
	`kind` text NOT NULL,
	`jws` text NOT NULL,
	`received_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `objects_id` ON `objects` (`id`);--> statement-breakpoint
CREATE TABLE `parties` (
	`party_id` text PRIMARY KEY NOT NULL,
	`current_id` text NOT NULL,
	`issued_at` text NOT NULL,
	`role` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `record_ids` (
	`identifier` text NOT NULL,
	`record_id` text NOT NULL,
	PRIMARY KEY(`identifier`, `record_id`)
);
--> statement-breakpoint
CREATE TABLE `records` (
	`id` text PRIMARY KEY NOT NULL,
	`seq` integer NOT NULL,
	`issuer` text NOT NULL,
	`work_type` text NOT NULL,
	`ids` text NOT NULL,
	`purposes` text NOT NULL,
	`conditions` text,
	`issued_at` text NOT NULL,
	`valid_from` text NOT NULL,
	`valid_until` text,
	`supersedes` text,
	`superseded_by` text,
	`superseded_at` text,
	`revoked_by` text,
	`revoked_at` text
);
--> statement-breakpoint
CREATE INDEX `records_issuer_seq` ON `records` (`issuer`,`seq`);--> statement-breakpoint
CREATE TABLE `revocations` (
	`id` text PRIMARY KEY NOT NULL,
	`record` text NOT NULL,
	`issuer` text NOT NULL,
	`issued_at` text NOT NULL
);
