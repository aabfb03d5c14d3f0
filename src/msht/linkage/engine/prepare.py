"""Turn described-person records (Arrow) into the normalised table Splink compares.

The input is one Arrow table in ``RAW_SCHEMA`` whatever its origin (the store's person
or suspect records, or a file an analyst brings); the output is the DuckDB table
``PREPARED_TABLE`` in the columns the comparisons and blocking rules name.
"""

from __future__ import annotations

import contextlib

import duckdb
import pyarrow as pa

from msht.linkage.engine.normalise import name_keys

PREPARED_TABLE = "linkage_records"  # written out in the SQL below
IDENTIFIER_COLUMNS = ("identifier_1", "identifier_2", "identifier_3")

RAW_SCHEMA = pa.schema(
    [
        ("record_id", pa.string()),
        ("source_dataset", pa.string()),
        ("given_names", pa.string()),
        ("family_name", pa.string()),
        ("aliases_json", pa.string()),
        ("birth_year", pa.int32()),
        ("birth_month", pa.int32()),
        ("birth_day", pa.int32()),
        ("birth_date_is_estimated", pa.bool_()),
        ("gender", pa.string()),
        ("nationalities_json", pa.string()),
        ("identifier_1", pa.string()),
        ("identifier_2", pa.string()),
        ("identifier_3", pa.string()),
        ("phones_json", pa.string()),
        ("addresses_json", pa.string()),
    ]
)

_MACROS = r"""
create or replace macro msht_text(s) as nullif(trim(regexp_replace(
    lower(strip_accents(coalesce(s, ''))), '[^a-z]+', ' ', 'g')), '');
create or replace macro msht_identifier(s) as nullif(
    regexp_replace(upper(coalesce(s, '')), '[^A-Z0-9]+', '', 'g'), '');
create or replace macro msht_phone(s) as nullif(regexp_replace(
    regexp_replace(regexp_replace(coalesce(s, ''), '[^0-9]+', '', 'g'),
        '^0044', '0'), '^44([0-9]{10})$', '0\1'), '');
create or replace macro msht_address_street(s) as regexp_replace(lower(coalesce(s, '')),
    '^\s*(flat|apartment|room|unit)\s+[a-z0-9]+\s*,?\s*', '');
create or replace macro msht_address_key(s) as nullif(trim(
    coalesce(regexp_extract(msht_address_street(s), '([0-9]+[a-z]?)', 1), '') || ' ' ||
    coalesce(regexp_extract(msht_address_street(s), '[0-9]+[a-z]?\s+([a-z]+)', 1), '')), '');
"""

_PREPARE = """
create or replace table linkage_records as
with raw as (
    select
        record_id as unique_id,
        source_dataset,
        msht_text(given_names) as given_norm,
        msht_text(family_name) as family_norm,
        coalesce(from_json(aliases_json, '["VARCHAR"]'), []) as alias_list,
        birth_year, birth_month, birth_day,
        coalesce(birth_date_is_estimated, false) as dob_estimated,
        case when lower(gender) in ('male', 'female', 'm', 'f')
            then upper(substr(gender, 1, 1)) end as sex,
        list_filter(coalesce(from_json(nationalities_json, '["VARCHAR"]'), []),
            lambda n: n is not null and n <> '') as nationalities,
        msht_identifier(identifier_1) as identifier_1,
        msht_identifier(identifier_2) as identifier_2,
        msht_identifier(identifier_3) as identifier_3,
        coalesce(from_json(phones_json, '["VARCHAR"]'), []) as phone_list,
        -- An address is an object (lines, town, postcode) or, as typed in a form, one string.
        list_transform(coalesce(from_json(addresses_json, '["JSON"]'), []), lambda a:
            case when json_type(a) = 'VARCHAR' then {
                'lines': a ->> '$', 'town': null::varchar,
                'postcode': nullif(regexp_extract(upper(a ->> '$'),
                    '([A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2})', 1), '')}
            else {'lines': a ->> 'lines', 'town': a ->> 'town', 'postcode': a ->> 'postcode'}
            end) as address_list
    from raw_records
),
named as (
    select
        *,
        nullif(trim(coalesce(given_norm, '') || ' ' || coalesce(family_norm, '')), '')
            as full_name
    from raw
)
select
    unique_id,
    source_dataset,
    split_part(given_norm, ' ', 1) as forename,
    family_norm as surname,
    full_name,
    nullif(array_to_string(list_sort(string_split(full_name, ' ')), ' '), '') as name_sorted,
    list_distinct(string_split(full_name, ' ')) as name_tokens,
    list_filter(list_transform(alias_list, lambda a: array_to_string(
        list_sort(string_split(msht_text(a), ' ')), ' ')), lambda a: a is not null and a <> '')
        as alias_names,
    birth_year as dob_year,
    case when dob_estimated then null else birth_month end as dob_month,
    case when dob_estimated then null else birth_day end as dob_day,
    dob_estimated,
    sex,
    case when len(nationalities) > 0 then list_sort(nationalities) end as nationalities,
    case when not dob_estimated and birth_year is not null and birth_month is not null
        and birth_day is not null
        then printf('%04d-%02d-%02d', birth_year, birth_month, birth_day) end as dob_full,
    identifier_1, identifier_2, identifier_3,
    list_filter(list_distinct(list_transform(phone_list, lambda p: msht_phone(p))),
        lambda p: p is not null) as phones,
    msht_phone(phone_list[1]) as phone,
    msht_identifier(list_filter(list_transform(address_list, lambda a: a.postcode),
        lambda p: p is not null and p <> '')[1]) as postcode,
    msht_address_key(address_list[1].lines) as address_key
from named
"""

_KEYS = """
create or replace table linkage_name_keys as
select name, msht_name_keys(name) as name_key
from (
    select forename as name from linkage_records
    union select surname from linkage_records
    union select full_name from linkage_records
) where name is not null;
create or replace table linkage_records as
select
    r.*,
    nullif(f.name_key, '') as forename_key,
    nullif(s.name_key, '') as surname_key,
    nullif(k.name_key, '') as name_keys,
    string_split(nullif(k.name_key, ''), ' ') as name_key_list,
    nullif(substr(f.name_key, 1, 1), '') as forename_initial,
    nullif(substr(s.name_key, 1, 1), '') as surname_initial
from linkage_records r
left join linkage_name_keys f on f.name = r.forename
left join linkage_name_keys s on s.name = r.surname
left join linkage_name_keys k on k.name = r.full_name;
drop table linkage_name_keys;
"""


def prepare_records(connection: duckdb.DuckDBPyConnection, raw: pa.Table) -> int:
    """Normalise ``raw`` (RAW_SCHEMA) into PREPARED_TABLE on ``connection``; returns the
    number of records. Sound keys are computed once per distinct name, not per record."""
    table = raw.select(RAW_SCHEMA.names).cast(RAW_SCHEMA)
    connection.register("raw_records", table)
    # An earlier run on this connection may have registered it already.
    with contextlib.suppress(duckdb.CatalogException):
        connection.create_function(
            "msht_name_keys", name_keys, ["VARCHAR"], "VARCHAR", side_effects=False
        )
    connection.execute(_MACROS)
    connection.execute(_PREPARE)
    connection.execute(_KEYS)
    connection.unregister("raw_records")
    rows = connection.execute("select count(*) from linkage_records").fetchall()
    return int(rows[0][0])
