-- Issue 20: background sync jobs (per user and kind, with a lease), the
-- runner's instance lease, the per-user search switch, and the search index
-- (PostgreSQL full-text search; the same SQL runs on PGlite).

-- CreateTable
CREATE TABLE "sync_jobs" (
    "user_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "last_run_at" TIMESTAMP(3),
    "last_success_at" TIMESTAMP(3),
    "next_run_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "items" INTEGER NOT NULL DEFAULT 0,
    "errors" INTEGER NOT NULL DEFAULT 0,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "cursor" JSONB,
    "stopped" BOOLEAN NOT NULL DEFAULT false,
    "lease_holder" TEXT,
    "lease_expires_at" TIMESTAMP(3),
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "sync_jobs_pkey" PRIMARY KEY ("user_id", "kind")
);

-- CreateIndex
CREATE INDEX "sync_jobs_next_run_at_idx" ON "sync_jobs"("next_run_at");

-- CreateTable
CREATE TABLE "runner_leases" (
    "name" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "expires_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "runner_leases_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "search_preferences" (
    "user_id" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "search_preferences_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
-- search_vector: title weighted A, body B; the 'simple' configuration (no
-- stemming, no stop words) because a person's Nextcloud is in any language.
-- An explicit regconfig keeps the expression immutable, as a generated column needs.
CREATE TABLE "search_documents" (
    "user_id" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "item_id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "etag" TEXT,
    "last_modified" TIMESTAMP(3),
    "indexed_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "search_vector" tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, coalesce("title", '')), 'A') ||
        setweight(to_tsvector('simple'::regconfig, coalesce("body", '')), 'B')
    ) STORED,

    CONSTRAINT "search_documents_pkey" PRIMARY KEY ("user_id", "source", "item_id")
);

-- CreateIndex
CREATE INDEX "search_documents_search_vector_idx" ON "search_documents" USING GIN ("search_vector");
