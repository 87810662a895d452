CREATE TABLE "screening_decisions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"hit_id" uuid NOT NULL,
	"decision" text NOT NULL,
	"note" text,
	"actor" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "screening_entries" (
	"list_id" uuid NOT NULL,
	"data_id" text NOT NULL,
	"kind" text NOT NULL,
	"reference_number" text NOT NULL,
	"un_list_type" text,
	"listed_on" text,
	"name" text NOT NULL,
	"names" jsonb NOT NULL,
	"details" jsonb NOT NULL,
	CONSTRAINT "screening_entries_list_id_data_id_pk" PRIMARY KEY("list_id","data_id")
);
--> statement-breakpoint
CREATE TABLE "screening_hits" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"subject_type" text NOT NULL,
	"subject_id" text NOT NULL,
	"entry_data_id" text NOT NULL,
	"entry_ref" text NOT NULL,
	"entry_name" text NOT NULL,
	"matched_name" text NOT NULL,
	"matched_entry_name" text NOT NULL,
	"score" real NOT NULL,
	"entry" jsonb NOT NULL,
	"basis" text NOT NULL,
	"list_id" uuid NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_at" timestamp with time zone,
	"decided_by" text,
	"decision_note" text
);
--> statement-breakpoint
CREATE TABLE "screening_lists" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"source" text NOT NULL,
	"date_generated" timestamp with time zone,
	"sha256" text NOT NULL,
	"individuals" integer NOT NULL,
	"entities" integer NOT NULL,
	"status" text DEFAULT 'current' NOT NULL,
	"loaded_by" text NOT NULL,
	"loaded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "screening_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"run_key" text NOT NULL,
	"list_id" uuid,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"subjects" integer DEFAULT 0 NOT NULL,
	"new_hits" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "screening_subjects" (
	"subject_type" text NOT NULL,
	"subject_id" text NOT NULL,
	"kind" text NOT NULL,
	"names" text[] DEFAULT '{}'::text[] NOT NULL,
	"names_hash" text NOT NULL,
	"registered_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_screened_at" timestamp with time zone,
	"last_screened_list_id" uuid,
	"last_screened_hash" text,
	CONSTRAINT "screening_subjects_subject_type_subject_id_pk" PRIMARY KEY("subject_type","subject_id")
);
--> statement-breakpoint
ALTER TABLE "screening_decisions" ADD CONSTRAINT "screening_decisions_hit_id_screening_hits_id_fk" FOREIGN KEY ("hit_id") REFERENCES "public"."screening_hits"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "screening_entries" ADD CONSTRAINT "screening_entries_list_id_screening_lists_id_fk" FOREIGN KEY ("list_id") REFERENCES "public"."screening_lists"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "screening_decisions_hit_idx" ON "screening_decisions" USING btree ("hit_id");--> statement-breakpoint
CREATE UNIQUE INDEX "screening_hits_subject_entry_uq" ON "screening_hits" USING btree ("subject_type","subject_id","entry_data_id");--> statement-breakpoint
CREATE INDEX "screening_hits_status_idx" ON "screening_hits" USING btree ("status","first_seen_at");--> statement-breakpoint
CREATE INDEX "screening_lists_status_idx" ON "screening_lists" USING btree ("status","loaded_at");--> statement-breakpoint
CREATE UNIQUE INDEX "screening_runs_key_uq" ON "screening_runs" USING btree ("run_key");