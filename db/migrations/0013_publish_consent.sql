ALTER TABLE "providers" ADD COLUMN "consent_to_publish" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "consent_to_publish" boolean DEFAULT false NOT NULL;