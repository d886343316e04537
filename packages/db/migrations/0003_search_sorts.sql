CREATE INDEX "groups_status_progress_idx" ON "groups" USING btree ("status",("paid_qty" * 100 / "moq") desc,"id" desc);--> statement-breakpoint
CREATE INDEX "groups_status_created_idx" ON "groups" USING btree ("status","created_at" desc,"id" desc);--> statement-breakpoint
CREATE INDEX "groups_status_price_idx" ON "groups" USING btree ("status","current_unit_price","id");