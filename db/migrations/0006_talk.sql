CREATE TABLE "attachment_blobs" (
	"key" text PRIMARY KEY NOT NULL,
	"content" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "attachments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"owner_type" text NOT NULL,
	"request_id" uuid,
	"message_id" uuid,
	"offering_id" uuid,
	"purpose" text NOT NULL,
	"filename" text NOT NULL,
	"kind" text NOT NULL,
	"media_type" text NOT NULL,
	"size_bytes" integer NOT NULL,
	"sha256" text NOT NULL,
	"storage" text NOT NULL,
	"storage_key" text NOT NULL,
	"use_for_matching" boolean DEFAULT false NOT NULL,
	"extraction_status" text NOT NULL,
	"extracted_text" text,
	"extraction_error" text,
	"extracted_at" timestamp with time zone,
	"uploader_key_id" uuid,
	"uploader_label" text NOT NULL,
	"uploader_role" text NOT NULL,
	"uploader_party" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "request_message_revisions" (
	"message_id" uuid NOT NULL,
	"revision" integer NOT NULL,
	"body" text NOT NULL,
	"editor_key_id" uuid,
	"editor_label" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "request_message_revisions_message_id_revision_pk" PRIMARY KEY("message_id","revision")
);
--> statement-breakpoint
CREATE TABLE "request_messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"request_id" uuid NOT NULL,
	"visibility" text NOT NULL,
	"body" text NOT NULL,
	"language" text NOT NULL,
	"author_key_id" uuid,
	"author_label" text NOT NULL,
	"author_role" text NOT NULL,
	"author_party" text NOT NULL,
	"addressee_party" text,
	"answers_id" uuid,
	"answered_at" timestamp with time zone,
	"answered_by_party" text,
	"answered_by_label" text,
	"answer_message_id" uuid,
	"revision" integer DEFAULT 1 NOT NULL,
	"search_tokens" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"edited_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_request_id_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_message_id_request_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."request_messages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_offering_id_offerings_id_fk" FOREIGN KEY ("offering_id") REFERENCES "public"."offerings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request_message_revisions" ADD CONSTRAINT "request_message_revisions_message_id_request_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."request_messages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request_messages" ADD CONSTRAINT "request_messages_request_id_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "attachments_request_idx" ON "attachments" USING btree ("request_id");--> statement-breakpoint
CREATE INDEX "attachments_message_idx" ON "attachments" USING btree ("message_id");--> statement-breakpoint
CREATE INDEX "attachments_offering_idx" ON "attachments" USING btree ("offering_id");--> statement-breakpoint
CREATE INDEX "request_messages_request_idx" ON "request_messages" USING btree ("request_id","created_at");--> statement-breakpoint
CREATE INDEX "request_messages_search_idx" ON "request_messages" USING gin ("search_tokens");--> statement-breakpoint
CREATE INDEX "request_messages_open_questions_idx" ON "request_messages" USING btree ("addressee_party") WHERE addressee_party is not null and answered_at is null;