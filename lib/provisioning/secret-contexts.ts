/**
 * The envelope-encryption contexts (lib/crypto/envelope `ctx`) of every
 * secret Flow 2 stores. A context binds a ciphertext to its row: a refresh
 * token copied into another user's grant, or a PKCE verifier into another
 * provisioning session, no longer decrypts. Parts are percent-encoded so two
 * different rows can never produce the same context ("a:b"+"c" vs "a"+"b:c").
 * Key rotation (scripts/keys-rotate.ts) re-seals under the same contexts.
 */

export function grantRefreshTokenContext(userId: string, audience: string): string {
  return `nextcloud-grant:${encodeURIComponent(userId)}:${encodeURIComponent(audience)}`;
}

export function provisioningVerifierContext(stateHash: string): string {
  return `provisioning-session:${encodeURIComponent(stateHash)}`;
}

export function provisioningRequestContext(idHash: string): string {
  return `provisioning-request:${encodeURIComponent(idHash)}`;
}

export function grantAppPasswordContext(userId: string, audience: string): string {
  return `nextcloud-app-password:${encodeURIComponent(userId)}:${encodeURIComponent(audience)}`;
}

export function loginFlowContext(idHash: string): string {
  return `login-flow:${encodeURIComponent(idHash)}`;
}

export function pendingRevocationContext(userId: string, id: string): string {
  return `app-password-revocation:${encodeURIComponent(userId)}:${encodeURIComponent(id)}`;
}
