/**
 * Contacts as vCards (RFC 6350; Nextcloud stores 3.0, RFC 2426) read and
 * written with ical.js. Updates change only the fields given and keep
 * everything else in the card (photos, X- properties, groups).
 */
import { randomUUID } from "node:crypto";
import ICAL from "ical.js";
import type { DavItem } from "../caldav/dav-store";
import { invalid } from "../caldav/ical-time";
import { parseComponent, textValue } from "../caldav/parse-icalendar";

export interface TypedValue {
  value: string;
  /** vCard TYPE, lower case ("home", "work", "cell"), or null. */
  type: string | null;
}

export interface Contact {
  address_book: string;
  id: string;
  uid: string;
  etag: string;
  name: string;
  given_name: string;
  family_name: string;
  emails: TypedValue[];
  phones: TypedValue[];
  organization: string;
  job_title: string;
  addresses: TypedValue[];
  birthday: string | null;
  note: string;
}

export interface ContactFields {
  name?: string;
  given_name?: string;
  family_name?: string;
  emails?: { value: string; type?: string }[];
  phones?: { value: string; type?: string }[];
  organization?: string;
  job_title?: string;
  birthday?: string;
  note?: string;
}

function typeOf(p: ICAL.Property): string | null {
  const raw = p.getParameter("type");
  const list = (Array.isArray(raw) ? raw : raw ? [raw] : []).map((t) => String(t).toLowerCase()).filter((t) => !["internet", "pref", "voice"].includes(t));
  return list[0] ?? null;
}

function joined(value: unknown, separator: string): string {
  return (Array.isArray(value) ? value : [value]).flat().map((v) => String(v ?? "").trim()).filter(Boolean).join(separator);
}

export function readContact(item: DavItem, addressBook: string): Contact {
  const card = parseComponent(item.data, "vcard", `the contact "${item.id}"`);
  const n = card.getFirstPropertyValue("n");
  const parts = Array.isArray(n) ? n.map((v) => joined(v, " ")) : [];
  const given = parts[1] ?? "";
  const family = parts[0] ?? "";
  const bday = card.getFirstPropertyValue("bday");
  return {
    address_book: addressBook,
    id: item.id,
    uid: textValue(card, "uid"),
    etag: item.etag,
    name: textValue(card, "fn") || `${given} ${family}`.trim(),
    given_name: given,
    family_name: family,
    emails: card.getAllProperties("email").map((p) => ({ value: String(p.getFirstValue() ?? ""), type: typeOf(p) })),
    phones: card.getAllProperties("tel").map((p) => ({ value: String(p.getFirstValue() ?? "").replace(/^tel:/i, ""), type: typeOf(p) })),
    organization: joined(card.getFirstPropertyValue("org"), ", "),
    job_title: textValue(card, "title"),
    addresses: card.getAllProperties("adr").map((p) => ({ value: joined(p.getFirstValue(), ", "), type: typeOf(p) })),
    birthday: bday ? String(bday) : null,
    note: textValue(card, "note"),
  };
}

/** Case-insensitive match on name, emails, organization; phone numbers compared by their digits. */
export function contactMatches(contact: Contact, query: string): boolean {
  const needle = query.trim().toLocaleLowerCase();
  if (needle === "") return true;
  const texts = [contact.name, contact.given_name, contact.family_name, contact.organization, contact.job_title, ...contact.emails.map((e) => e.value)];
  if (texts.some((t) => t.toLocaleLowerCase().includes(needle))) return true;
  const digits = needle.replace(/\D/g, "");
  return digits.length >= 3 && contact.phones.some((p) => p.value.replace(/\D/g, "").includes(digits));
}

const EMAIL = /^[^\s@<>()]+@[^\s@<>()]+\.[^\s@<>()]+$/;

function setTyped(card: ICAL.Component, name: "email" | "tel", values: { value: string; type?: string }[]): void {
  card.removeAllProperties(name);
  for (const v of values) {
    if (name === "email" && !EMAIL.test(v.value)) throw invalid(`"${v.value.slice(0, 60)}" is not an email address.`);
    if (name === "tel" && !/\d/.test(v.value)) throw invalid(`"${v.value.slice(0, 60)}" is not a phone number.`);
    const p = card.addPropertyWithValue(name, v.value);
    if (v.type) p.setParameter("type", v.type.toUpperCase());
  }
}

function setText(card: ICAL.Component, name: string, value: string | undefined): void {
  if (value === undefined) return;
  card.removeAllProperties(name);
  if (value !== "") card.addPropertyWithValue(name, value);
}

function applyContactFields(card: ICAL.Component, fields: ContactFields): void {
  if (fields.given_name !== undefined || fields.family_name !== undefined) {
    const current = card.getFirstPropertyValue("n");
    const parts = Array.isArray(current) ? current.map((v) => joined(v, " ")) : ["", "", "", "", ""];
    while (parts.length < 5) parts.push("");
    if (fields.family_name !== undefined) parts[0] = fields.family_name;
    if (fields.given_name !== undefined) parts[1] = fields.given_name;
    card.removeAllProperties("n");
    const n = new ICAL.Property("n", card);
    n.setValue(parts);
    card.addProperty(n);
  }
  if (fields.name !== undefined && fields.name.trim() === "") throw invalid("name must not be empty.");
  setText(card, "fn", fields.name);
  if (fields.emails) setTyped(card, "email", fields.emails);
  if (fields.phones) setTyped(card, "tel", fields.phones);
  if (fields.organization !== undefined) setText(card, "org", fields.organization);
  setText(card, "title", fields.job_title);
  setText(card, "note", fields.note);
  if (fields.birthday !== undefined) {
    if (fields.birthday !== "" && !/^\d{4}-\d{2}-\d{2}$/.test(fields.birthday)) throw invalid("birthday must be a date such as 1990-12-12.");
    setText(card, "bday", fields.birthday);
  }
  if (!card.hasProperty("fn")) {
    const n = card.getFirstPropertyValue("n");
    const parts = Array.isArray(n) ? n.map((v) => joined(v, " ")) : [];
    const fn = `${parts[1] ?? ""} ${parts[0] ?? ""}`.trim() || (fields.organization ?? "");
    if (!fn) throw invalid("A contact needs a name (name, or given_name/family_name).");
    card.addPropertyWithValue("fn", fn);
  }
  card.updatePropertyWithValue("rev", ICAL.Time.fromJSDate(new Date(), true));
}

export function buildContact(fields: ContactFields): { uid: string; data: string } {
  const uid = randomUUID();
  const card = new ICAL.Component("vcard");
  card.addPropertyWithValue("version", "3.0");
  card.addPropertyWithValue("prodid", "-//nextcloud-mcp//EN");
  card.addPropertyWithValue("uid", uid);
  applyContactFields(card, fields);
  return { uid, data: card.toString() };
}

export function updateContact(data: string, id: string, fields: ContactFields): string {
  const card = parseComponent(data, "vcard", `the contact "${id}"`);
  applyContactFields(card, fields);
  return card.toString();
}
