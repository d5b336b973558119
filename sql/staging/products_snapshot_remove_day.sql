-- A snapshot is replaced whole: an earlier delivery's rows for the date go before the new ones come in.
delete from staging.products_snapshot
where snapshot_date = $1::date
