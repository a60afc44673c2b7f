/**
 * Names a tool may give for a calendar, an address book or an item in one
 * (the last segment of its Nextcloud path, e.g. "personal", "a1b2.ics"),
 * checked before they become part of a URL: a plain name, no "/" or "\\",
 * no "." / "..", no control characters, so no input can leave the caller's
 * own calendar or address book home. Paths are built with each segment
 * percent-encoded.
 */
import { NextcloudRequestError } from "../nextcloud-request";

const NAME = /^[^/\\\u0000-\u001f\u007f]{1,200}$/;

export function checkDavName(kind: string, name: string): string {
  if (!NAME.test(name) || name === "." || name === "..") {
    throw new NextcloudRequestError("invalid", `Invalid ${kind} "${name.slice(0, 60)}": give the id exactly as a list returned it (no "/" or "..").`);
  }
  return name;
}

export function calendarHomePath(userId: string): string {
  return `/remote.php/dav/calendars/${encodeURIComponent(userId)}/`;
}

export function calendarPath(userId: string, calendar: string): string {
  return `${calendarHomePath(userId)}${encodeURIComponent(checkDavName("calendar", calendar))}/`;
}

export function calendarObjectPath(userId: string, calendar: string, id: string): string {
  return `${calendarPath(userId, calendar)}${encodeURIComponent(checkDavName("id", id))}`;
}

export function addressBookHomePath(userId: string): string {
  return `/remote.php/dav/addressbooks/users/${encodeURIComponent(userId)}/`;
}

export function addressBookPath(userId: string, book: string): string {
  return `${addressBookHomePath(userId)}${encodeURIComponent(checkDavName("address book", book))}/`;
}

export function cardPath(userId: string, book: string, id: string): string {
  return `${addressBookPath(userId, book)}${encodeURIComponent(checkDavName("contact id", id))}`;
}
