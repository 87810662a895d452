DROP INDEX "needs_state_idx";--> statement-breakpoint
DROP INDEX "offerings_provider_idx";--> statement-breakpoint
DROP INDEX "requests_routed_idx";--> statement-breakpoint
ALTER TABLE "offerings" ADD COLUMN "analysis" jsonb;--> statement-breakpoint
ALTER TABLE "offerings" ADD COLUMN "analysis_version" text;--> statement-breakpoint
ALTER TABLE "offerings" ADD COLUMN "search_vector" "tsvector";--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "first_routed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "first_accepted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "first_completed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "analysis" jsonb;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "analysis_version" text;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "analysis_hash" text;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "match_areas" text[];--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "proposal_floor" real;--> statement-breakpoint
CREATE INDEX "matches_queue_idx" ON "matches" USING btree ("created_at","rank","id") WHERE status = 'proposed';--> statement-breakpoint
CREATE INDEX "matches_offering_idx" ON "matches" USING btree ("offering_id","status");--> statement-breakpoint
CREATE INDEX "matches_provider_idx" ON "matches" USING btree ("provider_id","status","updated_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "needs_created_idx" ON "needs" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "needs_areas_idx" ON "needs" USING gin ("thematic_areas");--> statement-breakpoint
CREATE INDEX "offerings_created_idx" ON "offerings" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "offerings_search_idx" ON "offerings" USING gin ("search_vector");--> statement-breakpoint
CREATE INDEX "offerings_areas_idx" ON "offerings" USING gin ("thematic_areas");--> statement-breakpoint
CREATE INDEX "offerings_confirmed_idx" ON "offerings" USING btree ("last_confirmed_at" DESC NULLS FIRST,"id") WHERE status = 'open';--> statement-breakpoint
CREATE INDEX "offerings_analysis_version_idx" ON "offerings" USING btree ("analysis_version","id");--> statement-breakpoint
CREATE INDEX "request_need_links_need_idx" ON "request_need_links" USING btree ("need_id");--> statement-breakpoint
CREATE INDEX "requests_submitted_idx" ON "requests" USING btree ("submitted_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "requests_state_submitted_idx" ON "requests" USING btree ("member_state","submitted_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "requests_entity_submitted_idx" ON "requests" USING btree ("routed_entity","submitted_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "requests_rematch_idx" ON "requests" USING gin ("match_areas") WHERE status in ('in_review', 'routed');--> statement-breakpoint
CREATE INDEX "requests_overdue_idx" ON "requests" USING btree ("routed_at") WHERE status = 'routed' and entity_acted_at is null;--> statement-breakpoint
CREATE INDEX "review_decisions_match_idx" ON "review_decisions" USING btree ("match_id");--> statement-breakpoint
CREATE INDEX "needs_state_idx" ON "needs" USING btree ("member_state","created_at","id");--> statement-breakpoint
CREATE INDEX "offerings_provider_idx" ON "offerings" USING btree ("provider_id","created_at","id");--> statement-breakpoint
CREATE INDEX "requests_routed_idx" ON "requests" USING btree ("routed_entity","status","routed_at","id");