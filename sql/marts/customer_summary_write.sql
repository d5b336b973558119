-- marts.customer_summary from refresh_customer_rows (every customer's row, ranked by compute_daily_metrics):
-- a customer no longer there (no order left that counts) loses the row, the others are updated in place and
-- new ones inserted. In place, not deleted and inserted again: with the table's free space (fillfactor,
-- migration 0785) the updates are heap-only, no index entry written, where inserting the same keys again
-- checked each against its deleted row (0.27 s against 0.48-0.74 s at 98,000 customers).
-- $1: the customers (text[] of user keys) left with no order that counts, which customer_rows.sql sent with
-- orders <= 0 (an anti-join of the changes with the new rows to find them cost 0.16 s for none at 200k)
delete from marts.customer_summary
where user_key = any($1::text[]);

merge into marts.customer_summary s
using refresh_customer_rows r on r.user_key = s.user_key
when matched then update set
    orders = r.orders, revenue = r.revenue, first_order_date = r.first_order_date,
    last_order_date = r.last_order_date, as_of_date = r.as_of_date, recency_days = r.recency_days,
    r_score = r.r_score, f_score = r.f_score, m_score = r.m_score, refreshed_at = now()
when not matched then insert (user_key, orders, revenue, first_order_date, last_order_date, as_of_date,
                              recency_days, r_score, f_score, m_score)
    values (r.user_key, r.orders, r.revenue, r.first_order_date, r.last_order_date, r.as_of_date,
            r.recency_days, r.r_score, r.f_score, r.m_score)
