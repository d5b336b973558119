-- The calendar dimension.
create table warehouse.dim_date (
    date_key     integer primary key,   -- yyyymmdd
    date         date not null unique,
    year         smallint not null,
    quarter      smallint not null,
    month        smallint not null,
    month_name   text not null,
    day          smallint not null,
    day_of_week  smallint not null,     -- ISO: 1 = Monday
    day_name     text not null,
    iso_week     smallint not null,
    is_weekend   boolean not null
);
comment on table warehouse.dim_date is 'one row per calendar date';
