CREATE TABLE "decision_examples" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"request_id" uuid NOT NULL,
	"match_id" uuid,
	"offering_id" uuid,
	"provider_id" uuid,
	"area" text,
	"concept" text,
	"engine_entity" text,
	"decided_entity" text,
	"score" real,
	"rank" integer,
	"components" jsonb,
	"actor" text NOT NULL,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "learned_models" (
	"id" text PRIMARY KEY NOT NULL,
	"model" jsonb NOT NULL,
	"figures" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"examples" integer NOT NULL,
	"status" text DEFAULT 'candidate' NOT NULL,
	"fitted_by" text NOT NULL,
	"fitted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"applied_by" text,
	"applied_at" timestamp with time zone,
	"retired_at" timestamp with time zone,
	"note" text
);
--> statement-breakpoint
ALTER TABLE "matches" ADD COLUMN "confidence" real;--> statement-breakpoint
ALTER TABLE "offerings" ADD COLUMN "translations" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "engine_routing" jsonb;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "confidence" jsonb;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "triage" jsonb;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "parts" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "cted_parts" text[];--> statement-breakpoint
ALTER TABLE "decision_examples" ADD CONSTRAINT "decision_examples_request_id_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "decision_examples" ADD CONSTRAINT "decision_examples_match_id_matches_id_fk" FOREIGN KEY ("match_id") REFERENCES "public"."matches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "decision_examples" ADD CONSTRAINT "decision_examples_offering_id_offerings_id_fk" FOREIGN KEY ("offering_id") REFERENCES "public"."offerings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "decision_examples" ADD CONSTRAINT "decision_examples_provider_id_providers_id_fk" FOREIGN KEY ("provider_id") REFERENCES "public"."providers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "decision_examples_created_idx" ON "decision_examples" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "decision_examples_request_idx" ON "decision_examples" USING btree ("request_id");--> statement-breakpoint
CREATE UNIQUE INDEX "learned_models_one_active_uq" ON "learned_models" USING btree ("status") WHERE status = 'active';