-- A product whose element in a snapshot was quarantined keeps its current version: transform_products carries
-- its row of the previous snapshot into this one, marked with the snapshot date it came from, so that a bad
-- element never closes its product (docs/DATA_CONTRACT.md, products).
alter table staging.products_snapshot add column carried_from date;
comment on column staging.products_snapshot.carried_from is
    'null for a product present in the snapshot; else the snapshot date its row was carried from (its element was quarantined)';
