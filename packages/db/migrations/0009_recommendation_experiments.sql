CREATE TABLE "recommendation_experiment_variants" (
	"experiment_id" uuid NOT NULL,
	"key" text NOT NULL,
	"position" integer NOT NULL,
	"share" integer NOT NULL,
	"model_id" uuid,
	"weights" jsonb,
	CONSTRAINT "recommendation_experiment_variants_experiment_id_key_pk" PRIMARY KEY("experiment_id","key"),
	CONSTRAINT "recommendation_experiment_variants_share_check" CHECK ("recommendation_experiment_variants"."share" between 1 and 100),
	CONSTRAINT "recommendation_experiment_variants_serves_check" CHECK ("recommendation_experiment_variants"."model_id" is not null or "recommendation_experiment_variants"."weights" is not null)
);
--> statement-breakpoint
CREATE TABLE "recommendation_experiments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"stopped_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "recommendation_events" ADD COLUMN "experiment_id" uuid;--> statement-breakpoint
ALTER TABLE "recommendation_experiment_variants" ADD CONSTRAINT "recommendation_experiment_variants_experiment_id_recommendation_experiments_id_fk" FOREIGN KEY ("experiment_id") REFERENCES "public"."recommendation_experiments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recommendation_experiment_variants" ADD CONSTRAINT "recommendation_experiment_variants_model_id_recommendation_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."recommendation_models"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recommendation_experiments" ADD CONSTRAINT "recommendation_experiments_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "recommendation_experiment_variants_position_key" ON "recommendation_experiment_variants" USING btree ("experiment_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "recommendation_experiments_one_running" ON "recommendation_experiments" USING btree ("status") WHERE "recommendation_experiments"."status" = 'running';--> statement-breakpoint
CREATE INDEX "recommendation_experiments_created_idx" ON "recommendation_experiments" USING btree ("created_at");--> statement-breakpoint
ALTER TABLE "recommendation_events" ADD CONSTRAINT "recommendation_events_experiment_id_recommendation_experiments_id_fk" FOREIGN KEY ("experiment_id") REFERENCES "public"."recommendation_experiments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "recommendation_events_experiment_idx" ON "recommendation_events" USING btree ("experiment_id","trader_id","group_id","created_at") WHERE "recommendation_events"."experiment_id" is not null;