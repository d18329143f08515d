-- DPoP (RFC 9449 section 5): the RFC 7638 SHA-256 thumbprint (base64url, 43 characters) of the key a public client's
-- refresh-token family is bound to; null for a family that is not bound (logins without a DPoP proof, confidential
-- clients).
alter table refresh_families add column dpop_jkt varchar(64);
