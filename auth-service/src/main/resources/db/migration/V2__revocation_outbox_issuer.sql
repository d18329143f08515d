-- User revocations are keyed by issuer and subject (a subject is only unique per issuer). Rows queued before this
-- column existed have no issuer; the relay attributes them to the configured gatehouse.auth.issuer, the only issuer
-- this service signs for.
alter table revocation_outbox add column issuer varchar(1000);
