-- Key lookup and inferred members for warehouse.dim_customer, used by the fact loaders (same rules as
-- dim_product: the latest version with valid_from <= the fact's timestamp).

create function warehouse.customer_key_at(p_user_key text, p_ts timestamptz) returns bigint
language sql stable parallel safe
as $$
    select d.customer_key
    from warehouse.dim_customer d
    where d.user_key = p_user_key
      and d.valid_from <= p_ts
    order by d.valid_from desc
    limit 1
$$;
comment on function warehouse.customer_key_at(text, timestamptz) is
    'customer_key of the version valid at p_ts; null when the user is unknown (no side effect)';

-- Set-based: one call per fact load with every user key it met; shared advisory lock until commit
-- (load_dim_customer takes it exclusively), concurrent loads meet on the partial unique index.
create function warehouse.ensure_inferred_customers(p_user_keys text[]) returns integer
language plpgsql
as $$
declare
    created integer;
begin
    perform pg_advisory_xact_lock_shared(hashtextextended('ecomm:dim_customer', 0));
    insert into warehouse.dim_customer (user_key, valid_from, valid_to, is_current, is_inferred)
    select distinct u.user_key, '-infinity'::timestamptz, 'infinity'::timestamptz, true, true
    from unnest(p_user_keys) as u (user_key)
    where u.user_key <> ''
      and not exists (select 1 from warehouse.dim_customer d where d.user_key = u.user_key)
    on conflict (user_key) where is_inferred do nothing;
    get diagnostics created = row_count;
    return created;
end
$$;
comment on function warehouse.ensure_inferred_customers(text[]) is
    'creates an inferred member for every given user key the dimension does not know; returns how many';

create function warehouse.resolve_customer_key(p_user_key text, p_ts timestamptz) returns bigint
language plpgsql
as $$
begin
    if p_user_key is null or p_user_key = '' then
        return null;
    end if;
    perform warehouse.ensure_inferred_customers(array[p_user_key]);
    return warehouse.customer_key_at(p_user_key, p_ts);
end
$$;
comment on function warehouse.resolve_customer_key(text, timestamptz) is
    'customer_key valid at p_ts, creating an inferred member when the user is unknown (row by row: prefer '
    'ensure_inferred_customers + customer_key_at in bulk loads)';
