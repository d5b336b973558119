-- ecomm_privileged reads every layer that holds personal data (raw, staging, audit besides private), so
-- that a privileged login can answer an access or erasure request; ecomm_analyst stays on warehouse and marts.
grant usage on schema raw, staging, audit to ecomm_privileged;
grant select on all tables in schema raw, staging, audit to ecomm_privileged;
alter default privileges in schema raw, staging, audit grant select on tables to ecomm_privileged;

-- the salt makes user keys reversible by guessing ids: nobody but the pipeline reads it
revoke all on private.pseudonym_salt from ecomm_privileged;
