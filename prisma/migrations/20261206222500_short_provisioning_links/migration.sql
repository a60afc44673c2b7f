-- AlterTable
ALTER TABLE "provisioning_sessions" ADD COLUMN     "tool" TEXT;

-- DropTable
DROP TABLE "used_provisioning_requests";

-- CreateTable
CREATE TABLE "provisioning_requests" (
    "id_hash" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "sealed" TEXT NOT NULL,
    "key_id" TEXT NOT NULL,
    "expires_at" TIMESTAMP(3) NOT NULL,
    "consumed_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "provisioning_requests_pkey" PRIMARY KEY ("id_hash")
);

-- CreateIndex
CREATE INDEX "provisioning_requests_expires_at_idx" ON "provisioning_requests"("expires_at");

