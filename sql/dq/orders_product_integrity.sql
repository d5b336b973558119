-- Percent of the lines of orders this load set (load date $1) whose product has no real (non-inferred)
-- dim_product version yet nor a row in the day's product snapshot: the share load_fact_orders will point at
-- inferred members. dq_checks runs before the dimension loads, so this measures the dimension as it stands
-- plus the staged snapshot.
-- anti-joins (hashed), not two subqueries per line inside the aggregate
select round(
    100.0 * (
        select count(*)
        from staging.order_lines l
        where l.load_date = $1::date
          and not exists (
              select 1 from warehouse.dim_product p
              where p.product_id = l.product_id and not p.is_inferred
          )
          and not exists (
              select 1 from staging.products_snapshot s
              where s.product_id = l.product_id and s.snapshot_date <= $1::date
          )
    ) / nullif((select count(*) from staging.order_lines l where l.load_date = $1::date), 0),
    4
)
