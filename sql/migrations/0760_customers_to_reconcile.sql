-- The users whose staged changes moved since load_dim_customer last ran: a statement trigger on
-- staging.customers_changes queues them, whoever writes it (a day's load, its rerun, an empty re-delivery, a
-- truncate), and load_dim_customer reconciles only those members and takes them off. So a night costs its own
-- changes, not every change ever staged.
create table staging.customers_to_reconcile (
    user_key text primary key
);
comment on table staging.customers_to_reconcile is
    'one row per user whose staged changes changed since load_dim_customer last reconciled them';

create function staging.queue_customers_to_reconcile() returns trigger
language plpgsql
as $$
begin
    if tg_op in ('INSERT', 'UPDATE') then
        insert into staging.customers_to_reconcile select distinct user_key from new_rows on conflict do nothing;
    end if;
    if tg_op in ('DELETE', 'UPDATE') then
        insert into staging.customers_to_reconcile select distinct user_key from old_rows on conflict do nothing;
    end if;
    if tg_op = 'TRUNCATE' then  -- every real member loses its changes
        insert into staging.customers_to_reconcile
        select distinct user_key from warehouse.dim_customer where not is_inferred on conflict do nothing;
    end if;
    return null;
end
$$;

create trigger customers_changes_inserted after insert on staging.customers_changes
    referencing new table as new_rows for each statement execute function staging.queue_customers_to_reconcile();
create trigger customers_changes_updated after update on staging.customers_changes
    referencing old table as old_rows new table as new_rows
    for each statement execute function staging.queue_customers_to_reconcile();
create trigger customers_changes_deleted after delete on staging.customers_changes
    referencing old table as old_rows for each statement execute function staging.queue_customers_to_reconcile();
create trigger customers_changes_truncated after truncate on staging.customers_changes
    for each statement execute function staging.queue_customers_to_reconcile();

-- what is staged today may not be reconciled yet: the first load after this migration reconciles everyone once
insert into staging.customers_to_reconcile
select user_key from staging.customers_changes
union
select user_key from warehouse.dim_customer where not is_inferred;
