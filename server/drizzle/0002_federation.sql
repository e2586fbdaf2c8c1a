CREATE TABLE `foreign_objects` (
	`origin` text NOT NULL,
	`idx` integer NOT NULL,
	`id` text NOT NULL,
	`kind` text NOT NULL,
	`jws` text NOT NULL,
	`party` text,
	`subject` text,
	`received_at` text NOT NULL,
	PRIMARY KEY(`origin`, `idx`)
);
--> statement-breakpoint
CREATE INDEX `foreign_objects_id` ON `foreign_objects` (`id`);--> statement-breakpoint
CREATE TABLE `peer_refusals` (
	`origin` text NOT NULL,
	`idx` integer NOT NULL,
	`reason` text NOT NULL,
	`detail` text NOT NULL,
	`at` text NOT NULL,
	PRIMARY KEY(`origin`, `idx`)
);
--> statement-breakpoint
CREATE TABLE `peers` (
	`url` text PRIMARY KEY NOT NULL,
	`node_key` text NOT NULL,
	`origin` text NOT NULL,
	`state` text NOT NULL,
	`cursor` integer NOT NULL,
	`peaks` blob NOT NULL,
	`checkpoint_note` text,
	`evidence` text,
	`added_at` text NOT NULL
);
