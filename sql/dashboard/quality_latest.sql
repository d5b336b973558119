-- /api/quality/latest: every quality rule's latest result (observed against threshold, severity, passed)
-- among the last 31 load dates checked.
with

recent as (
    select *
    from audit.dq_results
    where load_date > (select max(load_date) from audit.dq_results) - 31
),

latest as (
    select distinct on (rule)
        rule, load_date, dimension, feed, observed, comparison, threshold, unit, severity, passed, status, detail,
        rules_version
    from recent
    order by rule, load_date desc
),

final as (
    select * from latest
)

select coalesce(json_agg(final order by (status = 'failed') desc, severity, rule), '[]'::json) from final;
