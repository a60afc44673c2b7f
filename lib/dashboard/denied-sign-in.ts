/**
 * The person refused or cancelled the dashboard's sign-in at the identity
 * provider: the IdP answers the authorization request with
 * `error=access_denied` (RFC 6749 §4.1.2.1). next-auth 4 turns every error
 * on its callback into the generic "Callback" code, so the sign-in page could
 * not say what happened; this recognises the refusal first and sends the
 * browser to the sign-in page's own "cancelled or refused" message. Nothing
 * is signed in or changed either way, so no state check is needed to show it.
 */
import { PROVIDER_ID, SIGN_IN_PATH } from "./build-auth-options";

export function deniedSignInLocation(requestUrl: string): string | undefined {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return undefined;
  }
  if (url.pathname !== `/api/auth/callback/${PROVIDER_ID}`) return undefined;
  if (url.searchParams.get("error") !== "access_denied" || url.searchParams.has("code")) return undefined;
  return `${SIGN_IN_PATH}?error=AccessDenied`;
}
