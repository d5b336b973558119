-- Key lookup and inferred members for warehouse.dim_product, used by the fact loaders.
-- A fact resolves to the product's latest version with valid_from <= its timestamp (first versions start at
-- -infinity, so every timestamp resolves; after a product is closed, its last version).

create function warehouse.product_key_at(p_product_id text, p_ts timestamptz) returns bigint
language sql stable parallel safe
as $$
    select d.product_key
    from warehouse.dim_product d
    where d.product_id = p_product_id
      and d.valid_from <= p_ts
    order by d.valid_from desc
    limit 1
$$;
comment on function warehouse.product_key_at(text, timestamptz) is
    'product_key of the version valid at p_ts; null when the product is unknown (no side effect)';

-- Set-based: one call per fact load with every product id it met. Takes the dimension's advisory lock in
-- shared mode until commit, so load_dim_product (exclusive) never re-versions a product under a running fact
-- load; concurrent fact loads making the same member meet on the partial unique index.
create function warehouse.ensure_inferred_products(p_product_ids text[]) returns integer
language plpgsql
as $$
declare
    created integer;
begin
    perform pg_advisory_xact_lock_shared(hashtextextended('ecomm:dim_product', 0));
    insert into warehouse.dim_product
        (product_id, category, subcategory, brand, valid_from, valid_to, is_current, is_inferred)
    select distinct u.product_id, 'Unknown', 'Unknown', 'Unknown', '-infinity'::timestamptz, 'infinity'::timestamptz,
           true, true
    from unnest(p_product_ids) as u (product_id)
    where u.product_id <> ''
      and not exists (select 1 from warehouse.dim_product d where d.product_id = u.product_id)
    on conflict (product_id) where is_inferred do nothing;
    get diagnostics created = row_count;
    return created;
end
$$;
comment on function warehouse.ensure_inferred_products(text[]) is
    'creates an inferred member for every given product id the dimension does not know; returns how many';

create function warehouse.resolve_product_key(p_product_id text, p_ts timestamptz) returns bigint
language plpgsql
as $$
begin
    if p_product_id is null or p_product_id = '' then
        return null;
    end if;
    perform warehouse.ensure_inferred_products(array[p_product_id]);
    return warehouse.product_key_at(p_product_id, p_ts);
end
$$;
comment on function warehouse.resolve_product_key(text, timestamptz) is
    'product_key valid at p_ts, creating an inferred member when the product is unknown (row by row: prefer '
    'ensure_inferred_products + product_key_at in bulk loads)';
