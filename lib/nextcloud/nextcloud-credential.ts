/**
 * The app-password credential of NEXTCLOUD_AUTH=app-password, as an opaque
 * value: it names the Nextcloud login name and holds a way to decrypt the
 * sealed app password, never the password itself. Tool code receives it in
 * its connection and can pass it on, but cannot read the password: the type
 * has no such field, and the opener lives in a module-private WeakMap. Only
 * the sender (send-nextcloud-request.ts) calls openCredentialForSending,
 * which decrypts for one request — no plaintext is kept beyond it
 * (tests/unit/nextcloud/nextcloud-credential.test.ts holds both rules).
 */

declare const credentialBrand: unique symbol;

export interface NextcloudCredential {
  readonly kind: "app-password";
  /** The Nextcloud login name the app password belongs to (not secret). */
  readonly loginName: string;
  readonly [credentialBrand]: true;
}

const openers = new WeakMap<NextcloudCredential, () => Promise<string>>();

/** `open` decrypts the sealed app password (the grant store); it is called once per request sent. */
export function appPasswordCredential(loginName: string, open: () => Promise<string>): NextcloudCredential {
  const credential = Object.freeze({ kind: "app-password", loginName }) as unknown as NextcloudCredential;
  openers.set(credential, open);
  return credential;
}

/** For send-nextcloud-request.ts only: the `Authorization` value for one request (RFC 7617 Basic). */
export async function openCredentialForSending(credential: NextcloudCredential): Promise<string> {
  const open = openers.get(credential);
  if (!open) throw new TypeError("not a credential made by appPasswordCredential");
  const password = await open();
  return `Basic ${Buffer.from(`${credential.loginName}:${password}`, "utf8").toString("base64")}`;
}
