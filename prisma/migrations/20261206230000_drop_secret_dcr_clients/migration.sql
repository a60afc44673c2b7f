-- Issue 19 defect 7: clients registered dynamically (RFC 7591) must now be public
-- clients with PKCE; registration refuses a client secret. Clients registered
-- earlier with one are refused when loaded, and oidc-provider kept their secret
-- in clear in the payload: remove them. Their owners register again (as public
-- clients, which every MCP client is). Static clients are configuration, not rows.
DELETE FROM "oidc_payloads" WHERE "model" = 'Client' AND "payload" ->> 'client_secret' IS NOT NULL;
