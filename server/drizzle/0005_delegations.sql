CREATE TABLE `delegations` (
	`id` text PRIMARY KEY NOT NULL,
	`principal` text NOT NULL,
	`agent` text NOT NULL,
	`from` text NOT NULL,
	`valid_until` text,
	`revoked_by` text,
	`revoked_at` text
);
--> statement-breakpoint
CREATE INDEX `delegations_principal` ON `delegations` (`principal`);--> statement-breakpoint
CREATE INDEX `delegations_agent` ON `delegations` (`agent`);