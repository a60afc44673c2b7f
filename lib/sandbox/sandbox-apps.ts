/**
 * Which optional apps the sandbox Nextcloud has enabled (all by default), so
 * a test can switch one off as an admin would (`occ app:disable deck`): the
 * app then disappears from the capabilities and its routes answer 404, as
 * Nextcloud's router does for a disabled app.
 */
import type { SandboxRoute } from "./route-table";

export const OPTIONAL_APPS = ["notes", "deck", "files_sharing"] as const;
export type OptionalApp = (typeof OPTIONAL_APPS)[number];

export class SandboxApps {
  private readonly disabled = new Set<OptionalApp>();

  enable(app: OptionalApp): void {
    this.disabled.delete(app);
  }

  disable(app: OptionalApp): void {
    this.disabled.add(app);
  }

  isEnabled(app: OptionalApp): boolean {
    return !this.disabled.has(app);
  }
}

/** `route`, answering 404 while `app` is disabled, as Nextcloud's router does for a disabled app. */
export function whileEnabled(apps: SandboxApps, app: OptionalApp, route: SandboxRoute): SandboxRoute {
  return {
    ...route,
    handle(request) {
      if (!apps.isEnabled(app)) return route.sendError(request.req, request.res, request.url, { status: 404, message: `App ${app} is not enabled` });
      return route.handle(request);
    },
  };
}
