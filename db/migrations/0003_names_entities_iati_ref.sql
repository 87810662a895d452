ALTER TABLE "entities" ADD COLUMN "names" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "entities" ADD COLUMN "successor" text;--> statement-breakpoint
ALTER TABLE "entities" ADD COLUMN "origin" text DEFAULT 'reference' NOT NULL;--> statement-breakpoint
ALTER TABLE "entities" ADD COLUMN "edited_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "m49_regions" ADD COLUMN "names" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "member_states" ADD COLUMN "names" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "providers" ADD COLUMN "iati_org_ref" text;