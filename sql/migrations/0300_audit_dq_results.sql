-- Data-quality results: one row per load date and rule; dq_checks replaces a date's rows on rerun.
create table audit.dq_results (
    load_date     date not null,
    rule          text not null,
    rules_version text not null,             -- the "version" of the rules file the check ran with
    dimension     text not null check (dimension in ('completeness', 'accuracy', 'consistency', 'validity',
                                                     'volume', 'freshness')),
    feed          text not null,
    observed      numeric,                   -- null when the rule did not apply (status skipped)
    threshold     numeric not null,
    comparison    text not null check (comparison in ('>=', '>', '<=', '<', '=')),
    unit          text not null check (unit in ('percent', 'count', 'hours')),
    severity      text not null check (severity in ('warn', 'error')),
    passed        boolean,                   -- null when skipped
    status        text not null check (status in ('passed', 'failed', 'skipped')),
    detail        text,                      -- the failure message, or why the rule was skipped
    checked_at    timestamptz not null default now(),
    primary key (load_date, rule)
);
comment on table audit.dq_results is 'one row per load date and data-quality rule (latest check of that date)';
