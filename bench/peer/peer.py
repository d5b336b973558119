#!/usr/bin/env python3
"""The pandas peer: the core of the nightly load written the way a good Python data engineer would.

Orders (with their lines) and events of one day, from the landing zone into staging tables of its own
(schema `peer`), to the project's data contract (docs/DATA_CONTRACT.md): the first rule a record breaks
quarantines it (peer.bad_records), the newest state of an order wins (greatest updated_at, ties: later load
date, file, line), an event keeps its first arrival. pandas + psycopg2 + COPY, vectorised where the data
allows (JSON lines are parsed one by one by orjson: there is no vectorised NDJSON parser with per-record
errors), no per-row SQL; orders and events run in two processes, one per core.

    peer.py --date 2025-12-15 --data-dir bench/out/data [--setup]

Prints one line per feed: records, staged, quarantined, seconds. The database comes from libpq's PG*
environment variables.
"""

from __future__ import annotations

import argparse
import codecs
import io
import multiprocessing
import os
import sys
import time

import numpy as np
import orjson
import pandas as pd
import psycopg2

SCHEMA = """
create schema if not exists peer;
create table if not exists peer.orders (
    order_id text primary key, user_id text not null, order_ts timestamptz not null,
    updated_at timestamptz not null, status text not null, currency text not null, channel text not null,
    payment_method text not null, payment_amount numeric(12,2) not null, revenue numeric(12,2) not null,
    units integer not null, ship_country text not null, ship_region text, ship_city text, ship_postal_code text,
    load_date date not null, source_file text not null, line_no bigint not null);
create table if not exists peer.order_lines (
    order_id text not null, line_number integer not null, product_id text not null, quantity integer not null,
    unit_price numeric(12,2) not null, discount numeric(12,2) not null, revenue numeric(12,2) not null,
    load_date date not null, primary key (order_id, line_number));
create table if not exists peer.events (
    event_id text primary key, user_id text, session_id text not null, event_type text not null,
    event_ts timestamptz not null, product_id text, page_url text, device text, country text,
    load_date date not null, source_file text not null, line_no bigint not null);
create table if not exists peer.bad_records (
    load_date date not null, feed text not null, source_file text not null, line_no bigint not null,
    reason text not null, record text);
"""

STATUSES = ["placed", "paid", "shipped", "delivered", "cancelled", "refunded"]
CHANNELS = ["web", "app", "marketplace"]
METHODS = ["credit_card", "debit_card", "paypal", "apple_pay", "gift_card"]
EVENT_TYPES = ["page_view", "product_view", "add_to_cart", "remove_from_cart", "begin_checkout", "purchase"]
NEEDS_PRODUCT = ["product_view", "add_to_cart", "remove_from_cart"]
DEVICES = ["desktop", "mobile", "tablet", ""]
REQUIRED_EVENT_COLUMNS = ["event_id", "session_id", "event_type", "event_ts"]
EVENT_COLUMNS = ["event_id", "user_id", "session_id", "event_type", "event_ts", "product_id", "page_url",
                 "device", "country"]


def day_files(data_dir: str, feed: str, day: str, exts: tuple[str, ...]) -> list[str]:
    folder = os.path.join(data_dir, "incoming", feed, day)
    if not os.path.isdir(folder):
        return []
    if not os.path.exists(os.path.join(folder, "_SUCCESS")):
        raise RuntimeError(f"peer: {folder} has no _SUCCESS: the drop is not complete")
    return [os.path.join(folder, f) for f in sorted(os.listdir(folder)) if f.endswith(exts)]


def copy_frame(cur, table: str, frame: pd.DataFrame) -> None:
    """COPY a frame's columns into table as CSV (money goes as whole cents: formatting floats is slow)."""
    buf = io.StringIO()
    frame.to_csv(buf, index=False, header=False)
    buf.seek(0)
    cur.copy_expert(f"copy {table} ({', '.join(frame.columns)}) from stdin with (format csv)", buf)


def future_limit(day: str) -> pd.Timestamp:
    """A business timestamp later than the end of the load date plus one hour is in the future."""
    return pd.Timestamp(day, tz="UTC") + pd.Timedelta(hours=25)


def first_reason(rules: list[tuple[str, np.ndarray]], n: int) -> np.ndarray:
    """The first rule each record breaks (in the contract's order), or '' when none."""
    return np.select([bad for _, bad in rules], [name for name, _ in rules], default="") if rules else np.full(n, "")


def cents(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Money from JSON numbers: whole cents, and where the value is not money (not a number, a third decimal)."""
    x = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    c = np.round(x * 100)
    bad = np.isnan(x) | (np.abs(x * 100 - c) > 1e-6)
    return pd.Series(np.nan_to_num(c), index=values.index), bad


# ------------------------------------------------------------------------------------------------ orders

def parse_orders(files: list[str]):
    """NDJSON records into an orders frame and a lines frame; undecodable records quarantined directly."""
    heads, lines, bad = [], [], []
    for fi, path in enumerate(files):
        name = os.path.basename(path)
        with open(path, "rb") as f:
            data = f.read()
        for no, line in enumerate(data.split(b"\n"), start=1):
            if not line.strip():
                continue
            try:
                if b"\x00" in line:
                    raise UnicodeDecodeError("utf-8", line, 0, 1, "NUL byte")
                o = orjson.loads(line)
                if not isinstance(o, dict):
                    raise ValueError("not an object")
            except (orjson.JSONDecodeError, UnicodeDecodeError, ValueError):
                try:
                    line.decode("utf-8")
                    reason = "invalid_utf8" if b"\x00" in line else "malformed"
                except UnicodeDecodeError:
                    reason = "invalid_utf8"
                bad.append((name, no, reason, line.decode("utf-8", "backslashreplace")))
                continue
            pay = o.get("payment") if isinstance(o.get("payment"), dict) else {}
            ship = o.get("shipping") if isinstance(o.get("shipping"), dict) else {}
            items = o.get("items")
            r = len(heads)
            heads.append((fi, name, no, o.get("order_id"), o.get("user_id"), o.get("order_ts"), o.get("updated_at"),
                          o.get("status"), o.get("currency"), o.get("channel"),
                          None if items is None else (len(items) if isinstance(items, list) else -1),
                          pay.get("method"), pay.get("amount"), ship.get("country"), ship.get("region"),
                          ship.get("city"), ship.get("postal_code"), line))
            if isinstance(items, list):
                for k, it in enumerate(items, start=1):
                    it = it if isinstance(it, dict) else {}
                    lines.append((r, k, it.get("product_id"), it.get("quantity"), it.get("unit_price"),
                                  it.get("discount", 0)))
    orders = pd.DataFrame(heads, columns=["file", "source_file", "line_no", "order_id", "user_id", "order_ts",
                                          "updated_at", "status", "currency", "channel", "n_items",
                                          "payment_method", "payment_amount", "ship_country", "ship_region",
                                          "ship_city", "ship_postal_code", "record"])
    items = pd.DataFrame(lines, columns=["row", "line_number", "product_id", "quantity", "unit_price", "discount"])
    return orders, items, bad


def validate_orders(o: pd.DataFrame, li: pd.DataFrame, day: str):
    n = len(o)
    qty = pd.to_numeric(li["quantity"], errors="coerce")
    li["price_c"], price_bad = cents(li["unit_price"])
    li["discount_c"], disc_bad = cents(li["discount"].fillna(0))
    li["revenue_c"] = qty.fillna(0) * li["price_c"] - li["discount_c"]
    line_missing = li["product_id"].isna() | li["quantity"].isna() | li["unit_price"].isna()
    line_invalid = (price_bad | disc_bad | qty.isna().to_numpy() | (qty.fillna(0) % 1 != 0).to_numpy()
                    | (qty.fillna(0) < 1).to_numpy() | (li["price_c"] < 0).to_numpy() | (li["discount_c"] < 0).to_numpy()
                    | (li["discount_c"] > qty.fillna(0) * li["price_c"]).to_numpy()
                    | (li["product_id"].fillna("x") == "").to_numpy())
    per_row = pd.DataFrame({"row": li["row"], "missing": line_missing.to_numpy(), "invalid": line_invalid,
                            "revenue": li["revenue_c"], "units": qty.fillna(0)}).groupby("row").agg(
        missing=("missing", "any"), invalid=("invalid", "any"), revenue=("revenue", "sum"), units=("units", "sum"))
    per_row = per_row.reindex(range(n), fill_value=0)
    o["revenue_c"] = per_row["revenue"].to_numpy()
    o["units"] = per_row["units"].to_numpy().astype(np.int64)
    o["amount_c"], amount_bad = cents(o["payment_amount"])
    order_ts = pd.to_datetime(o["order_ts"], utc=True, format="ISO8601", errors="coerce")
    updated_at = pd.to_datetime(o["updated_at"], utc=True, format="ISO8601", errors="coerce")
    o["updated_at_ts"] = updated_at
    required = ["order_id", "user_id", "order_ts", "updated_at", "status", "currency", "channel", "n_items",
                "payment_method", "payment_amount", "ship_country"]
    missing = o[required].isna().any(axis=1).to_numpy() | per_row["missing"].to_numpy().astype(bool)
    texts = ["order_id", "user_id"]
    invalid = ((o[texts].apply(lambda s: s.map(lambda v: not isinstance(v, str) or v == "")).any(axis=1)).to_numpy()
               | order_ts.isna().to_numpy() | updated_at.isna().to_numpy()
               | ~o["status"].isin(STATUSES).to_numpy() | ~o["channel"].isin(CHANNELS).to_numpy()
               | ~o["payment_method"].isin(METHODS).to_numpy() | amount_bad | (o["amount_c"] < 0).to_numpy()
               | (o["n_items"].fillna(0) < 1).to_numpy() | per_row["invalid"].to_numpy().astype(bool)
               | ~o["ship_country"].astype(str).str.fullmatch(r"[A-Z]{2}").to_numpy())
    limit = future_limit(day)
    future = ((order_ts > limit) | (updated_at > limit)).to_numpy()
    reason = first_reason([("missing_field", missing), ("unsupported_currency", (o["currency"] != "USD").to_numpy()),
                           ("invalid_value", invalid), ("future_timestamp", future)], n)
    return reason


def load_orders(day: str, data_dir: str) -> tuple[int, int, int]:
    files = day_files(data_dir, "orders", day, (".json", ".json.gz"))
    if any(f.endswith(".gz") for f in files):
        raise RuntimeError("peer: gzip orders files are not supported by the peer")
    o, li, undecodable = parse_orders(files)
    reason = validate_orders(o, li, day)
    ok = reason == ""
    good = o[ok].copy()
    # the newest state within the day: greatest updated_at, then later file, then later line
    good = good.sort_values(["updated_at_ts", "file", "line_no"], kind="stable").drop_duplicates("order_id", keep="last")
    good["load_date"] = day
    good["payment_amount"] = good["amount_c"].astype(np.int64)
    good["revenue"] = good["revenue_c"].astype(np.int64)
    lines = li[li["row"].isin(good.index)].copy()
    lines["order_id"] = good["order_id"].reindex(lines["row"]).to_numpy()
    lines["quantity"] = pd.to_numeric(lines["quantity"]).astype(np.int64)
    lines["unit_price"] = lines["price_c"].astype(np.int64)
    lines["discount"] = lines["discount_c"].astype(np.int64)
    lines["revenue"] = lines["revenue_c"].astype(np.int64)
    lines["load_date"] = day
    bad = o.loc[~ok, ["source_file", "line_no", "record"]].copy()
    bad["reason"] = reason[~ok]
    bad["record"] = bad["record"].map(lambda b: b.decode("utf-8", "backslashreplace"))
    bad = pd.concat([bad, pd.DataFrame(undecodable, columns=["source_file", "line_no", "reason", "record"])])
    bad["load_date"], bad["feed"] = day, "orders"

    order_cols = ["order_id", "user_id", "order_ts", "updated_at", "status", "currency", "channel", "payment_method",
                  "payment_amount", "revenue", "units", "ship_country", "ship_region", "ship_city",
                  "ship_postal_code", "load_date", "source_file", "line_no"]
    line_cols = ["order_id", "line_number", "product_id", "quantity", "unit_price", "discount", "revenue",
                 "load_date"]
    with psycopg2.connect() as conn, conn.cursor() as cur:
        # money columns hold whole cents in the temporary tables
        cur.execute("create temp table t_orders (like peer.orders) on commit drop;"
                    "alter table t_orders alter payment_amount type bigint, alter revenue type bigint;"
                    "create temp table t_lines (like peer.order_lines) on commit drop;"
                    "alter table t_lines alter unit_price type bigint, alter discount type bigint,"
                    " alter revenue type bigint")
        copy_frame(cur, "t_orders", good[order_cols])
        copy_frame(cur, "t_lines", lines[line_cols])
        updates = ", ".join(f"{c} = excluded.{c}" for c in order_cols if c != "order_id")
        as_money = {"payment_amount", "revenue", "unit_price", "discount"}
        order_select = ", ".join(f"{c} / 100.0" if c in as_money else c for c in order_cols)
        line_select = ", ".join(f"l.{c} / 100.0" if c in as_money else f"l.{c}" for c in line_cols)
        cur.execute(f"""
            create temp table won on commit drop as
            with up as (
                insert into peer.orders select {order_select} from t_orders
                on conflict (order_id) do update set {updates}
                where (excluded.updated_at, excluded.load_date, excluded.source_file, excluded.line_no)
                    > (peer.orders.updated_at, peer.orders.load_date, peer.orders.source_file, peer.orders.line_no)
                returning order_id)
            select order_id from up;
            delete from peer.order_lines l using won w where l.order_id = w.order_id;
            insert into peer.order_lines select {line_select} from t_lines l join won w using (order_id);
            delete from peer.bad_records where load_date = %s and feed = 'orders';""", (day,))
        cur.execute("select count(*) from won")
        staged = cur.fetchone()[0]
        copy_frame(cur, "peer.bad_records", bad[["load_date", "feed", "source_file", "line_no", "reason", "record"]])
    return len(o) + len(undecodable), staged, len(bad)


# ------------------------------------------------------------------------------------------------ events

def csv_records(data: bytes) -> pd.DataFrame:
    """Where each CSV record of data starts and what it holds, found with numpy over the bytes: its first
    physical line, its field separators outside quotes, whether a line break sits inside a quoted field.
    A byte is inside quotes when an odd number of quotes precede it (doubled quotes count twice)."""
    raw = np.frombuffer(data, dtype=np.uint8)
    quotes = np.flatnonzero(raw == ord('"'))
    newlines = np.flatnonzero(raw == ord("\n"))
    commas = np.flatnonzero(raw == ord(","))
    inside = lambda pos: (np.searchsorted(quotes, pos) & 1).astype(bool)
    nl_inside = inside(newlines)
    ends = newlines[~nl_inside]
    if len(raw) and (not len(ends) or ends[-1] != len(raw) - 1):
        ends = np.append(ends, len(raw))
    starts = np.concatenate(([0], ends[:-1] + 1)).astype(np.int64)
    record_of = lambda pos: np.searchsorted(starts, pos, side="right") - 1
    n = len(starts)
    separators = np.bincount(record_of(commas[~inside(commas)]), minlength=n)[:n]
    inner_breaks = np.bincount(record_of(newlines[nl_inside]), minlength=n)[:n]
    first_line = np.searchsorted(newlines, starts) + 1
    return pd.DataFrame({"start": starts, "line_no": first_line, "commas": separators,
                         "inner_breaks": inner_breaks})[ends > starts]


_bad_offsets: list[int] = []


def _note_bad_bytes(exc: UnicodeDecodeError):
    _bad_offsets.append(exc.start)
    return ("\ufffd", exc.end)


codecs.register_error("peer_note_offsets", _note_bad_bytes)


def invalid_utf8_offsets(data: bytes) -> np.ndarray:
    """Byte offsets of invalid UTF-8 sequences and NUL bytes: one decoding pass in C."""
    _bad_offsets.clear()
    data.decode("utf-8", "peer_note_offsets")
    nul = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 0)
    return np.concatenate((np.array(_bad_offsets, dtype=np.int64), nul.astype(np.int64)))


def load_events(day: str, data_dir: str) -> tuple[int, int, int]:
    files = day_files(data_dir, "events", day, (".csv",))
    frames, bads, records = [], [], 0
    limit = future_limit(day)
    for fi, path in enumerate(files):
        name = os.path.basename(path)
        with open(path, "rb") as f:
            data = f.read()
        shape = csv_records(data)
        header = data[:data.find(b"\n")].decode("utf-8", "replace").rstrip("\r").split(",")
        for col in REQUIRED_EVENT_COLUMNS:
            if col not in header:
                raise RuntimeError(f"peer: {path}: required column {col} is missing; file rejected")
        width = int(shape["commas"].max()) + 1 if len(shape) else len(header)
        ev = pd.read_csv(io.BytesIO(data), header=None, skiprows=1, names=list(range(width)), dtype=str,
                         keep_default_na=False, encoding_errors="surrogateescape", engine="c")
        shape = shape.iloc[1:].reset_index(drop=True)  # the header record
        if len(shape) != len(ev):
            raise RuntimeError(f"peer: {path}: {len(ev)} parsed records for {len(shape)} in the file")
        ev = ev.iloc[:, :len(header)]
        ev.columns = header
        for col in EVENT_COLUMNS:
            if col not in ev.columns:
                ev[col] = ""
        ev = ev[EVENT_COLUMNS].copy()
        records += len(ev)
        utf8_bad = np.zeros(len(ev), dtype=bool)
        utf8_bad[np.searchsorted(shape["start"].to_numpy(), invalid_utf8_offsets(data), side="right") - 1] = True
        malformed = ((shape["commas"] != len(header) - 1) | (shape["inner_breaks"] > 0)).to_numpy()
        missing = ((ev[REQUIRED_EVENT_COLUMNS] == "").any(axis=1)
                   | (ev["event_type"].isin(NEEDS_PRODUCT) & (ev["product_id"] == ""))).to_numpy()
        ts = pd.to_datetime(ev["event_ts"], utc=True, format="ISO8601", errors="coerce")
        invalid = (~ev["event_type"].isin(EVENT_TYPES) | ~ev["device"].isin(DEVICES) | ts.isna()).to_numpy()
        reason = first_reason([("invalid_utf8", utf8_bad), ("malformed", malformed), ("missing_field", missing),
                               ("invalid_value", invalid), ("future_timestamp", (ts > limit).to_numpy())], len(ev))
        ok = reason == ""
        ev["load_date"], ev["source_file"], ev["line_no"] = day, name, shape["line_no"].to_numpy()
        frames.append(ev[ok])
        rejected = ev[~ok]
        record = rejected[EVENT_COLUMNS[0]].str.cat([rejected[c] for c in EVENT_COLUMNS[1:]], sep=",")
        bad = pd.DataFrame({"load_date": day, "feed": "events", "source_file": name,
                            "line_no": shape["line_no"].to_numpy()[~ok], "reason": reason[~ok],
                            "record": record.map(lambda s: s.encode("utf-8", "surrogateescape")
                                                 .decode("utf-8", "backslashreplace")).to_numpy()})
        bads.append(bad)
    good = pd.concat(frames) if frames else pd.DataFrame(columns=EVENT_COLUMNS + ["load_date", "source_file", "line_no"])
    good = good.drop_duplicates("event_id", keep="first")  # first arrival within the day; then against history
    bad = pd.concat(bads) if bads else pd.DataFrame(columns=["load_date", "feed", "source_file", "line_no", "reason", "record"])
    with psycopg2.connect() as conn, conn.cursor() as cur:
        cur.execute("create temp table t_events (like peer.events) on commit drop")
        copy_frame(cur, "t_events", good)
        cur.execute("insert into peer.events select * from t_events on conflict (event_id) do nothing")
        staged = cur.rowcount
        cur.execute("delete from peer.bad_records where load_date = %s and feed = 'events'", (day,))
        copy_frame(cur, "peer.bad_records", bad)
    return records, staged, len(bad)


def run(feed: str, day: str, data_dir: str) -> str:
    start = time.monotonic()
    records, staged, quarantined = (load_orders if feed == "orders" else load_events)(day, data_dir)
    return f"{feed} {records} {staged} {quarantined} {time.monotonic() - start:.2f}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--date", required=True)
    ap.add_argument("--data-dir", required=True)
    ap.add_argument("--setup", action="store_true", help="create the peer's tables first")
    args = ap.parse_args()
    if args.setup:
        with psycopg2.connect() as conn, conn.cursor() as cur:
            cur.execute(SCHEMA)
    try:
        with multiprocessing.Pool(2) as pool:
            for line in pool.starmap(run, [(feed, args.date, args.data_dir) for feed in ("orders", "events")]):
                print(line)
    except RuntimeError as e:
        print(e, file=sys.stderr)
        return 1
    return 0

if __name__ == "__main__":
    sys.exit(main())
