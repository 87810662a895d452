CREATE TABLE "mail_bounces" (
	"address" text PRIMARY KEY NOT NULL,
	"reply" text NOT NULL,
	"mail_id" uuid,
	"bounced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"confirmed_at" timestamp with time zone,
	"confirmed_by" text
);
