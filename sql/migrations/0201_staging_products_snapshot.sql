-- Typed catalogue snapshots: one row per product present in the snapshot of a day.
create table staging.products_snapshot (
    snapshot_date date not null,
    product_id    text not null,
    name          text not null,
    category      text not null,
    subcategory   text,
    brand         text,
    price         numeric(12, 2) not null check (price >= 0),
    supplier_id   text,
    active        boolean not null,
    updated_at    timestamptz not null,
    source_file   text not null,
    line_no       bigint not null,
    primary key (snapshot_date, product_id)
);
comment on table staging.products_snapshot is 'one row per snapshot date and product present in that snapshot';
create index products_snapshot_product on staging.products_snapshot (product_id, snapshot_date);
