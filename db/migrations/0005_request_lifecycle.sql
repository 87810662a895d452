ALTER TABLE "matches" ADD COLUMN "response_note" text;--> statement-breakpoint
ALTER TABLE "matches" ADD COLUMN "origin" text DEFAULT 'engine' NOT NULL;--> statement-breakpoint
ALTER TABLE "request_duplicates" ADD COLUMN "status" text DEFAULT 'open' NOT NULL;--> statement-breakpoint
ALTER TABLE "request_duplicates" ADD COLUMN "decided_by" text;--> statement-breakpoint
ALTER TABLE "request_duplicates" ADD COLUMN "decided_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "request_duplicates" ADD COLUMN "note" text;--> statement-breakpoint
ALTER TABLE "request_transitions" ADD COLUMN "actor_role" text;--> statement-breakpoint
ALTER TABLE "request_transitions" ADD COLUMN "actor_org" text;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "duplicate_of" uuid;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "parked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "parked_reason" text;--> statement-breakpoint
ALTER TABLE "requests" ADD CONSTRAINT "requests_duplicate_of_requests_id_fk" FOREIGN KEY ("duplicate_of") REFERENCES "public"."requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "request_duplicates_other_idx" ON "request_duplicates" USING btree ("other_request_id");