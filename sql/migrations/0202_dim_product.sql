-- The product dimension, SCD type 2, with inferred members for products facts met before any snapshot.
create table warehouse.dim_product (
    product_key  bigint generated always as identity primary key,
    product_id   text not null,
    name         text,
    category     text,
    subcategory  text,
    brand        text,
    price        numeric(12, 2),
    supplier_id  text,
    active       boolean,
    valid_from   timestamptz not null,                     -- '-infinity' for a product's first version
    valid_to     timestamptz not null default 'infinity',  -- exclusive; 'infinity' while open
    is_current   boolean not null,
    is_inferred  boolean not null default false,           -- placeholder made by a fact loader
    check (valid_from < valid_to)
);
comment on table warehouse.dim_product is
    'one row per product version (SCD2: [valid_from, valid_to)); an inferred member is one row [-infinity, infinity)';
create unique index dim_product_version on warehouse.dim_product (product_id, valid_from);
-- at most one inferred member per product: the conflict target of warehouse.ensure_inferred_products
create unique index dim_product_inferred on warehouse.dim_product (product_id) where is_inferred;
