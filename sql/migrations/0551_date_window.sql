-- warehouse.date_window: the date range a dashboard query covers when the request gives one bound or none.
-- Both given: as given (serve_dashboard has checked from <= to and at most 366 days). Only `to`: the p_days
-- days ending there. Only `from`: from there to the newest day present, at most 366 days. None: the p_days days
-- ending at the newest day present (p_last; null when the table is empty, and so is the window).
create or replace function warehouse.date_window(p_from date, p_to date, p_last date, p_days integer default 30)
returns table (from_date date, to_date date)
language sql immutable parallel safe
as $$
    select coalesce(p_from, coalesce(p_to, p_last) - (p_days - 1)),
           coalesce(p_to, least(p_from + 365, p_last), p_last)
$$;
comment on function warehouse.date_window(date, date, date, integer) is
    'the [from_date, to_date] a dashboard query covers: the given bounds, else p_days days ending at p_last';
