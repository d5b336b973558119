-- Whether a table's primary key is exactly the one column named, valid and so enforced: the quality rules on
-- business key uniqueness (sql/dq/) need not group a day's keys to find repeats the key makes impossible.
create function audit.primary_key_is(p_table regclass, p_column name) returns boolean
language sql stable strict
return exists (
    select 1
    from pg_index i
    join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[0]
    where i.indrelid = p_table and i.indisprimary and i.indisvalid and i.indnkeyatts = 1 and a.attname = p_column
);
comment on function audit.primary_key_is(regclass, name) is
    'true when the table''s primary key is the one column given, valid (repeats of it are impossible)';
