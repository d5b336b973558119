-- The orders of the dates in refresh_order_dates, which compute_daily_metrics streams by binary COPY and
-- groups itself into refresh_order_groups (refresh_order_groups.sql). $1 and $2 are the dates' range, spliced
-- as literals (a COPY takes no parameters): fact_orders' month partitions are split by load, and each load's
-- BRIN on order_date then skips the loads that hold none of the dates (a semi-join with the dates read every
-- load's facts, a cost that grew night after night: 2.1 s against 0.8 s for six dates after twelve nights of
-- 100,000 orders). A date inside the range but not refreshed (dates far apart: a late correction) is dropped
-- by the task: the read costs more, the result is the same.
select f.order_date, f.user_key, f.is_cancelled_or_refunded, f.revenue, f.units
from warehouse.fact_orders f
where f.order_date between $1::date and $2::date
