CREATE TABLE `key_compromises` (
	`kid` text PRIMARY KEY NOT NULL,
	`party` text NOT NULL,
	`compromised_at` text NOT NULL,
	`id` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `party_keys` (
	`kid` text PRIMARY KEY NOT NULL,
	`party` text NOT NULL,
	`x` text NOT NULL,
	`seq` integer NOT NULL,
	`bound_by` text NOT NULL,
	`bound_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `party_keys_party` ON `party_keys` (`party`,`seq`);