-- A day's changes are replaced whole: an earlier delivery's rows for the date go before the new ones come in.
delete from staging.customers_changes
where load_date = $1::date
