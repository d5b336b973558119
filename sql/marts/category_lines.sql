-- The live lines (of orders not cancelled or refunded) of the dates in refresh_category_dates, with their
-- product's category, which compute_daily_metrics streams by binary COPY and sums itself into
-- refresh_category_sales and refresh_category_inferred: a server-side grouping of the same lines (the sums
-- by date and category, the distinct orders, the inferred products) cost 1.8-2.7 s for 623,000 lines.
-- $1 and $2 are the dates' range, spliced as literals (a COPY takes no parameters): each load's BRIN on
-- order_date skips the loads holding none of them, and the planner estimates by them. A date inside the
-- range but not refreshed (dates far apart: a late correction) is dropped by the task.
-- The category as the mart names it: 'Unknown' when the product was never seen in a catalogue (no key, an
-- inferred member, or no category); the line's product key is sent only for an inferred member.
select
    l.order_date,
    l.order_id,
    case when p.is_inferred or p.category is null or p.category = '' then 'Unknown' else p.category end as category,
    l.quantity,
    l.revenue,
    case when p.is_inferred then l.product_key end as inferred_product
from warehouse.fact_order_lines l
left join warehouse.dim_product p on p.product_key = l.product_key
where l.order_date between $1::date and $2::date
  and not l.is_cancelled_or_refunded
