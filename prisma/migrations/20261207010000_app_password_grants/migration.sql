-- AlterTable
ALTER TABLE "nextcloud_grants" ADD COLUMN     "encrypted_app_password" TEXT,
ADD COLUMN     "nextcloud_login_name" TEXT;

-- CreateTable
CREATE TABLE "login_flow_sessions" (
    "id_hash" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "client_id" TEXT,
    "tool" TEXT,
    "expected_login_name" TEXT,
    "strict_mapping" BOOLEAN NOT NULL DEFAULT false,
    "login_url" TEXT NOT NULL,
    "poll_endpoint" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'polling',
    "sealed" TEXT NOT NULL,
    "login_name" TEXT,
    "expires_at" TIMESTAMP(3) NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "login_flow_sessions_pkey" PRIMARY KEY ("id_hash")
);

-- CreateTable
CREATE TABLE "pending_app_password_revocations" (
    "id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "login_name" TEXT NOT NULL,
    "encrypted_app_password" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_attempt_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "pending_app_password_revocations_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "login_flow_sessions_expires_at_idx" ON "login_flow_sessions"("expires_at");

-- CreateIndex
CREATE INDEX "pending_app_password_revocations_user_id_idx" ON "pending_app_password_revocations"("user_id");
