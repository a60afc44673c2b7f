/**
 * Which optional apps the sandbox Nextcloud has enabled (all by default), so
 * a test can switch one off as an admin would (`occ app:disable deck`): the
 * app then disappears from the capabilities and its routes answer 404, as
 * Nextcloud's router does for a disabled app.
 */
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
