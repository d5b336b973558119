-- /api/quality/history?rule=R&days=N: one rule's results over its last N load dates.
-- $1 rule, $2 number of load dates (1..90).
with

history as (
    select load_date, observed, comparison, threshold, unit, severity, passed, status, detail
    from audit.dq_results
    where rule = $1
    order by load_date desc
    limit $2::integer
),

final as (
    select * from history
)

select coalesce(json_agg(final order by load_date), '[]'::json) from final;
