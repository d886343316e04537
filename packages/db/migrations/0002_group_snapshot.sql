DROP TABLE "group_tiers" CASCADE;--> statement-breakpoint
ALTER TABLE "groups" ADD COLUMN "tiers" jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "groups" ADD COLUMN "display" jsonb NOT NULL;