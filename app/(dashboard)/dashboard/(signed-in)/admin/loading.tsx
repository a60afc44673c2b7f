export { LoadingSkeleton as default } from "@/app/(dashboard)/_components/loading-skeleton";
