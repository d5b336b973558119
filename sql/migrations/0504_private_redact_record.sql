-- Redacts one user's personal values in a stored record's text (a raw line, a quarantined record or its
-- detail) and keeps the rest byte for byte, so lineage, amounts and statuses survive: the id becomes its
-- stand-in (erased:<user_key>), email, names, phone and postal code become "", a city its fingerprint's
-- stand-in (erased:<fingerprint>, see private.city_fingerprint). Unless p_everywhere is false (a JSON record,
-- whose other fields must keep their values), any other occurrence of the id as a token (a CSV field, a
-- detail message) becomes the stand-in too.
create or replace function private.redact_record(p_text text, p_user_id text, p_user_key text,
                                                 p_everywhere boolean default true) returns text
language plpgsql stable strict parallel safe
as $$
declare
    string_value constant text := '[[:space:]]*:[[:space:]]*"([^"\\]|\\.)*"';
    out text := p_text;
    city text;
    f text;
begin
    city := substring(out from '"city"[[:space:]]*:[[:space:]]*"((?:[^"\\]|\\.)*)"');
    if city is not null and left(city, 7) <> 'erased:' then
        out := regexp_replace(out, '"city"' || string_value,
                              '"city":"' || private.erased_user_id(private.city_fingerprint(city)) || '"', 'g');
    end if;
    foreach f in array array['email', 'first_name', 'last_name', 'phone', 'postal_code'] loop
        out := regexp_replace(out, '"' || f || '"' || string_value, '"' || f || '":""', 'g');
    end loop;
    out := regexp_replace(out, '"user_id"' || string_value,
                          '"user_id":"' || private.erased_user_id(p_user_key) || '"', 'g');
    if not p_everywhere then  -- a JSON record: its other fields (an order id) stay exactly as they were
        return out;
    end if;
    -- the id as a whole token only: U12 is not inside U123
    return regexp_replace(out,
                          '(^|[^A-Za-z0-9_])' || regexp_replace(p_user_id, '([^A-Za-z0-9_])', '\\\1', 'g')
                              || '(?=[^A-Za-z0-9_]|$)',
                          '\1' || private.erased_user_id(p_user_key), 'g');
end
$$;
comment on function private.redact_record(text, text, text, boolean) is
    'a record''s text with one user''s personal values redacted and everything else kept';
