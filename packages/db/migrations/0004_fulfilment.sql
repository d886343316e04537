CREATE TABLE "counters" (
	"name" text PRIMARY KEY NOT NULL,
	"value" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "disputes" (
	"id" uuid PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"group_id" uuid NOT NULL,
	"order_id" uuid,
	"pickup_point_id" uuid,
	"credential_id" uuid,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"resolution" text,
	"resolution_note" text,
	"resolved_by" uuid,
	"resolved_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "invoices" (
	"id" uuid PRIMARY KEY NOT NULL,
	"order_id" uuid NOT NULL,
	"number" bigint NOT NULL,
	"currency" text NOT NULL,
	"total" bigint NOT NULL,
	"snapshot" jsonb NOT NULL,
	"issued_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "order_drops" (
	"order_id" uuid NOT NULL,
	"pickup_point_id" uuid NOT NULL,
	"quantity" integer NOT NULL,
	"participant_count" integer NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"received_qty" integer,
	"condition" text,
	"notes" text,
	"photo_ref" text,
	"received_by" uuid,
	"received_at" timestamp with time zone,
	CONSTRAINT "order_drops_order_id_pickup_point_id_pk" PRIMARY KEY("order_id","pickup_point_id")
);
--> statement-breakpoint
CREATE TABLE "supplier_orders" (
	"id" uuid PRIMARY KEY NOT NULL,
	"group_id" uuid NOT NULL,
	"supplier_id" uuid NOT NULL,
	"status" text NOT NULL,
	"currency" text NOT NULL,
	"quantity" integer NOT NULL,
	"unit_price" bigint NOT NULL,
	"gross" bigint NOT NULL,
	"commission" bigint NOT NULL,
	"participant_count" integer NOT NULL,
	"respond_by" timestamp with time zone NOT NULL,
	"delivery_date" date,
	"rejection_reason" text,
	"tracking_note" text,
	"accepted_at" timestamp with time zone,
	"dispatched_at" timestamp with time zone,
	"delivered_at" timestamp with time zone,
	"received_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"collectable_qty" integer DEFAULT 0 NOT NULL,
	"collected_qty" integer DEFAULT 0 NOT NULL,
	"pickup_closes_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "supplier_orders_collected_check" CHECK ("supplier_orders"."collected_qty" >= 0 and "supplier_orders"."collected_qty" <= "supplier_orders"."collectable_qty")
);
--> statement-breakpoint
CREATE TABLE "pickup_attempts" (
	"scope" text PRIMARY KEY NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"window_started_at" timestamp with time zone NOT NULL,
	"locked_until" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "pickup_credentials" (
	"id" uuid PRIMARY KEY NOT NULL,
	"participation_id" uuid NOT NULL,
	"group_id" uuid NOT NULL,
	"trader_id" uuid NOT NULL,
	"pickup_point_id" uuid NOT NULL,
	"quantity" integer NOT NULL,
	"collected_qty" integer DEFAULT 0 NOT NULL,
	"status" text NOT NULL,
	"key_id" text NOT NULL,
	"code_version" integer DEFAULT 0 NOT NULL,
	"short_code_hash" text NOT NULL,
	"offline_code_hash" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"collected_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "pickup_credentials_quantity_check" CHECK ("pickup_credentials"."quantity" > 0 and "pickup_credentials"."collected_qty" >= 0 and "pickup_credentials"."collected_qty" <= "pickup_credentials"."quantity")
);
--> statement-breakpoint
CREATE TABLE "pickup_handovers" (
	"id" uuid PRIMARY KEY NOT NULL,
	"credential_id" uuid NOT NULL,
	"agent_id" uuid NOT NULL,
	"quantity" integer NOT NULL,
	"source" text NOT NULL,
	"client_id" uuid,
	"device_id" text,
	"occurred_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "pickup_handovers_quantity_check" CHECK ("pickup_handovers"."quantity" > 0)
);
--> statement-breakpoint
CREATE TABLE "pickup_sync_rejections" (
	"client_id" uuid PRIMARY KEY NOT NULL,
	"credential_id" uuid,
	"agent_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"dispute_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "disputes" ADD CONSTRAINT "disputes_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disputes" ADD CONSTRAINT "disputes_order_id_supplier_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."supplier_orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disputes" ADD CONSTRAINT "disputes_pickup_point_id_pickup_points_id_fk" FOREIGN KEY ("pickup_point_id") REFERENCES "public"."pickup_points"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disputes" ADD CONSTRAINT "disputes_resolved_by_users_id_fk" FOREIGN KEY ("resolved_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_order_id_supplier_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."supplier_orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_drops" ADD CONSTRAINT "order_drops_order_id_supplier_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."supplier_orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_drops" ADD CONSTRAINT "order_drops_pickup_point_id_pickup_points_id_fk" FOREIGN KEY ("pickup_point_id") REFERENCES "public"."pickup_points"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_drops" ADD CONSTRAINT "order_drops_received_by_users_id_fk" FOREIGN KEY ("received_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_orders" ADD CONSTRAINT "supplier_orders_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_orders" ADD CONSTRAINT "supplier_orders_supplier_id_suppliers_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "public"."suppliers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pickup_credentials" ADD CONSTRAINT "pickup_credentials_participation_id_participations_id_fk" FOREIGN KEY ("participation_id") REFERENCES "public"."participations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pickup_credentials" ADD CONSTRAINT "pickup_credentials_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pickup_credentials" ADD CONSTRAINT "pickup_credentials_trader_id_users_id_fk" FOREIGN KEY ("trader_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pickup_credentials" ADD CONSTRAINT "pickup_credentials_pickup_point_id_pickup_points_id_fk" FOREIGN KEY ("pickup_point_id") REFERENCES "public"."pickup_points"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pickup_handovers" ADD CONSTRAINT "pickup_handovers_credential_id_pickup_credentials_id_fk" FOREIGN KEY ("credential_id") REFERENCES "public"."pickup_credentials"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pickup_handovers" ADD CONSTRAINT "pickup_handovers_agent_id_users_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pickup_sync_rejections" ADD CONSTRAINT "pickup_sync_rejections_agent_id_users_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "disputes_status_idx" ON "disputes" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "disputes_group_idx" ON "disputes" USING btree ("group_id");--> statement-breakpoint
CREATE UNIQUE INDEX "invoices_order_key" ON "invoices" USING btree ("order_id");--> statement-breakpoint
CREATE UNIQUE INDEX "invoices_number_key" ON "invoices" USING btree ("number");--> statement-breakpoint
CREATE INDEX "order_drops_point_idx" ON "order_drops" USING btree ("pickup_point_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "supplier_orders_group_key" ON "supplier_orders" USING btree ("group_id");--> statement-breakpoint
CREATE INDEX "supplier_orders_supplier_idx" ON "supplier_orders" USING btree ("supplier_id","created_at");--> statement-breakpoint
CREATE INDEX "supplier_orders_respond_idx" ON "supplier_orders" USING btree ("respond_by") WHERE "supplier_orders"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "supplier_orders_pickup_idx" ON "supplier_orders" USING btree ("pickup_closes_at") WHERE "supplier_orders"."status" = 'received' and "supplier_orders"."closed_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "pickup_credentials_participation_key" ON "pickup_credentials" USING btree ("participation_id");--> statement-breakpoint
CREATE UNIQUE INDEX "pickup_credentials_live_code_key" ON "pickup_credentials" USING btree ("pickup_point_id","short_code_hash") WHERE "pickup_credentials"."status" = 'live';--> statement-breakpoint
CREATE INDEX "pickup_credentials_point_idx" ON "pickup_credentials" USING btree ("pickup_point_id","status");--> statement-breakpoint
CREATE INDEX "pickup_credentials_group_idx" ON "pickup_credentials" USING btree ("group_id");--> statement-breakpoint
CREATE INDEX "pickup_credentials_trader_idx" ON "pickup_credentials" USING btree ("trader_id");--> statement-breakpoint
CREATE UNIQUE INDEX "pickup_handovers_client_key" ON "pickup_handovers" USING btree ("client_id");--> statement-breakpoint
CREATE INDEX "pickup_handovers_credential_idx" ON "pickup_handovers" USING btree ("credential_id");