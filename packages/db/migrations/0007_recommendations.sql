CREATE TABLE "recommendation_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"trader_id" uuid NOT NULL,
	"group_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"model_version" integer,
	"variant" text,
	"position" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "recommendation_models" (
	"id" uuid PRIMARY KEY NOT NULL,
	"version" integer NOT NULL,
	"status" text NOT NULL,
	"metrics" jsonb NOT NULL,
	"weights" jsonb NOT NULL,
	"bytes" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"activated_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "recommendation_training_runs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"status" text NOT NULL,
	"stage" text DEFAULT 'queued' NOT NULL,
	"percent" integer DEFAULT 0 NOT NULL,
	"weights" jsonb,
	"requested_by" uuid,
	"model_id" uuid,
	"outcome" text,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "recommendation_events" ADD CONSTRAINT "recommendation_events_trader_id_users_id_fk" FOREIGN KEY ("trader_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recommendation_events" ADD CONSTRAINT "recommendation_events_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recommendation_training_runs" ADD CONSTRAINT "recommendation_training_runs_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recommendation_training_runs" ADD CONSTRAINT "recommendation_training_runs_model_id_recommendation_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."recommendation_models"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "recommendation_events_trader_idx" ON "recommendation_events" USING btree ("trader_id","created_at");--> statement-breakpoint
CREATE INDEX "recommendation_events_kind_idx" ON "recommendation_events" USING btree ("kind","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "recommendation_models_version_key" ON "recommendation_models" USING btree ("version");--> statement-breakpoint
CREATE UNIQUE INDEX "recommendation_models_one_active" ON "recommendation_models" USING btree ("status") WHERE "recommendation_models"."status" = 'active';--> statement-breakpoint
CREATE INDEX "recommendation_training_runs_status_idx" ON "recommendation_training_runs" USING btree ("status","created_at");