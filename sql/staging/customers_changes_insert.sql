-- The day's valid changes, pseudonymised: the user becomes its key and the city a salted fingerprint.
insert into staging.customers_changes (load_date, source_file, line_no, user_key, op, segment, country, region,
                                       city_fingerprint, signup_ts, marketing_opt_in, updated_at)
select $1::date, c.source_file, c.line_no, private.user_key(c.user_id), c.op, c.segment, c.country, c.region,
       private.city_fingerprint(c.city), c.signup_ts, c.marketing_opt_in, c.updated_at
from customers_in c
