import { setupIntegration } from "./global-setup";

export default () => setupIntegration("pglite");
