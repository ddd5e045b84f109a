"""Finding retirees in the roster (台账): one page of matches in id order, and how many match, in one query.

The roster list is what staff open most, over up to 100,000 people, so neither a page nor its total
reads the roster. What answers instead (migration 0017, kept right by triggers):
- a search `q` by name: every one- and two-character piece of each live name (retiree_name_grams).
  One or two characters are one list of ids (within one liaison's people, when a single character
  is in thousands of names, their few dozen are looked up instead); more join the lists of their
  last and first two characters, then LIKE checks the whole name. By phone (`q_phones`, only for
  those who may see phones): every three-character piece of each number with the character after it
  (retiree_phone_grams): three digits are the pieces that start with them, four are one piece, more
  join their last and first four, then LIKE checks; one or two digits scan the phone index (they
  find nearly everyone anyway); a q holding anything but digits and + never looks at phones (no
  stored number holds it). A search finds exactly what LIKE '%q%' found.
- totals: tallies per stored tag, liaison, reachable and bound (roster_tally); 高龄 ("born on or
  before a day") sums whole birth months (roster_birth_tally) and counts the last month from the
  index, or, within one liaison's people, counts them from the index. A search counts its matches
  (a few thousand at most: those sharing one character).
- the page itself: the ids first, in id order from an index, then the page's rows, each written as
  JSON by SQLite (json_object), read on the loop's thread (Database.read_now) but for the few shapes
  that may read thousands of entries (_long), which go to a reader thread; Python only joins strings.
"""
from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import lru_cache
from typing import NamedTuple

from yinling.clock import to_iso
from yinling.models import AGED_FROM, AGED_TAG, RosterFilter
from yinling.store.database import Database
from yinling.store.rows import Reader

_PHONE_CHARS = frozenset("0123456789+")  # what a stored (normalised) phone number is made of
_BOOL = "json(iif({}, 'true', 'false'))"
# Each field of a listed retiree as SQL over `r` (retirees) and `s` (their liaison), in JSON form, as
# the API's RetireeOut gives it. Age and 高龄 are as of :today; tags are the stored ones by name ({hidden}:
# where a viewer's sensitive tags are left out), then 高龄 when 80 or older.
_AGE = ("CASE WHEN r.birth_date IS NOT NULL THEN CAST(substr(:today, 1, 4) AS INTEGER)"
        " - CAST(substr(r.birth_date, 1, 4) AS INTEGER) - (substr(:today, 6) < substr(r.birth_date, 6)) END")
FIELDS: dict[str, str] = {
    "id": "r.id",
    "name": "r.name",
    "gender": "r.gender",
    "birth_date": "r.birth_date",
    "age": _AGE,
    "phones": "json((SELECT json_group_array(phone) FROM (SELECT phone FROM retiree_phones"
              " WHERE retiree_id = r.id ORDER BY position)))",
    "address": "r.address",
    "former_unit": "r.former_unit",
    "former_post": "r.former_post",
    "retirement_type": "r.retirement_type",
    "party_member": _BOOL.format("r.party_member"),
    "party_join_date": "r.party_join_date",
    "liaison_id": "r.liaison_id",
    "liaison_name": "s.display_name",
    "tags": f"json((SELECT iif(({_AGE}) >= {AGED_FROM}, json_insert(stored, '$[#]', '{AGED_TAG}'), stored)"
            " FROM (SELECT json_group_array(tag) AS stored FROM (SELECT tag FROM retiree_tags"
            " WHERE retiree_id = r.id{hidden} ORDER BY tag))))",
    "hobbies": "r.hobbies",
    "health_notes": "r.health_notes",
    "family": "json(CASE WHEN coalesce(r.family_name, '') || coalesce(r.family_relation, '')"
              " || coalesce(r.family_phone, '') <> '' THEN json_object('name', coalesce(r.family_name, ''),"
              " 'relation', r.family_relation, 'phone', r.family_phone) ELSE 'null' END)",
    "sensitive_consent": _BOOL.format("r.sensitive_consent"),
    "notes": "r.notes",
    "telegram_bound": _BOOL.format("r.telegram_user_id IS NOT NULL"),
    "reachable": _BOOL.format("r.reachable"),
}


class Listed(NamedTuple):
    body: str  # one JSON object: the fields asked for, in their order
    created_at: str  # in the steady offset when it falls in its window, else as stored (ISO 8601 UTC, 'Z')
    updated_at: str


class SteadyOffset(NamedTuple):
    """A UTC offset a time zone keeps from `since` until `until` (stored forms): SQLite says the
    moments in that window in it (ISO 8601, as datetime.isoformat() would); others stay as stored."""

    since: str
    until: str
    minutes: int
    suffix: str  # '+08:00'


_STEADY: dict[tzinfo, tuple[datetime, datetime, SteadyOffset]] = {}
_DAY = timedelta(days=1)


def steady_offset(tz: tzinfo) -> SteadyOffset:
    """The zone's UTC offset now, and the days around now that it holds (checked a day apart, from
    60 years back to a year ahead: offsets change twice a year at most), for SQLite to say the
    moments of that window in. Asia/Shanghai has kept +08:00 since 1991. Found once per window."""
    now = datetime.now(UTC)
    found = _STEADY.get(tz)
    if found is not None and found[0] <= now < found[1]:
        return found[2]
    local = now.astimezone(tz)
    offset = local.utcoffset() or timedelta(0)
    since, until = now, now
    while now - since < timedelta(days=60 * 365) and (since - _DAY).astimezone(tz).utcoffset() == offset:
        since -= _DAY
    while until - now < timedelta(days=365) and (until + _DAY).astimezone(tz).utcoffset() == offset:
        until += _DAY
    steady = SteadyOffset(to_iso(since), to_iso(until), int(offset.total_seconds() // 60), local.isoformat()[-6:])
    _STEADY[tz] = (since, until, steady)
    return steady


def _moment(column: str) -> str:
    """A stored moment ('2026-12-01T01:30:00.000000Z') in the steady offset when it falls in its
    window ('2026-12-01T09:30:00+08:00'), else as stored. The fraction is carried over as text:
    SQLite's date functions round to milliseconds."""
    return (f"iif(length({column}) = 27 AND {column} >= :steady_since AND {column} < :steady_until,"
            f" strftime('%Y-%m-%dT%H:%M:%S', substr({column}, 1, 19), :steady_shift)"
            f" || iif(substr({column}, 20, 7) = '.000000', '', substr({column}, 20, 7)) || :steady_suffix,"
            f" {column})")


class _Shape(NamedTuple):
    """What decides the SQL (never the values): queries of one shape share one text."""

    scope: bool
    liaison: bool
    tag: str  # '' none, 'stored', 'aged'
    bound: bool | None
    reachable: bool
    names: int  # 0 no search, else the search's length: 1, 2, or 3 for three or more
    phones: int  # 0 not searched, else the search's length: 1 for one or two, 3, 4, or 5 for five or more
    fields: tuple[str, ...]
    hide_tags: bool


async def page(conn: Reader, filters: RosterFilter, *, scope_liaison_id: int | None, aged_cutoff: date,
               today: date, limit: int, offset: int, fields: tuple[str, ...], hidden_tags: tuple[str, ...] = (),
               steady: SteadyOffset | None = None) -> tuple[list[Listed], int]:
    """One page of live retirees matching `filters` (and, with `scope_liaison_id`, that liaison's
    only) in id order, each as JSON of `fields` (names of FIELDS), and how many match in all.
    `hidden_tags` are left out of the listed tags (not out of what a tag filter finds)."""
    shape, params = _shape_and_params(filters, scope_liaison_id, aged_cutoff, fields, bool(hidden_tags))
    steady = steady or SteadyOffset("", "", 0, "")
    if isinstance(conn, Database) and not _long(shape):
        conn = conn.bounded  # indexes and a page's rows: read on the loop's thread (Database.read_now)
    rows = await conn.fetch_all(_page_sql(shape), {
        **params, "today": today.isoformat(), "hidden_tags": json.dumps(hidden_tags), "limit": limit,
        "offset": offset, "steady_since": steady.since, "steady_until": steady.until,
        "steady_shift": f"{steady.minutes:+d} minutes", "steady_suffix": steady.suffix})
    if rows:
        return [Listed(row[0], row[1], row[2]) for row in rows], rows[0][3]
    if offset == 0:
        return [], 0
    found = await conn.fetch_one(_count_sql(shape), params)  # past the last page: the total alone
    return [], found[0] if found else 0


def _long(shape: _Shape) -> bool:
    """Shapes that may read thousands of entries, left to a reader thread: one or two digits scan the
    phone index; one character (in thousands of names) within a tag tests each of them for the tag."""
    return shape.phones == 1 or (shape.names == 1 and bool(shape.tag) and not (shape.scope or shape.liaison))


def _shape_and_params(filters: RosterFilter, scope: int | None, aged_cutoff: date, fields: tuple[str, ...],
                      hide_tags: bool = False) -> tuple[_Shape, dict[str, object]]:
    params: dict[str, object] = {"scope": scope, "liaison": filters.liaison_id,
                                 "reachable": None if filters.reachable is None else int(filters.reachable)}
    tag = ""
    if filters.tag == AGED_TAG:
        tag = "aged"
        params.update(aged=aged_cutoff.isoformat(), aged_month=aged_cutoff.isoformat()[:7],
                      aged_month_start=aged_cutoff.isoformat()[:7] + "-01")
    elif filters.tag:
        tag = "stored"
        params["tag"] = filters.tag
    names = phones = 0
    if q := filters.q:
        names = min(len(q), 3)
        if filters.q_phones and set(q) <= _PHONE_CHARS:
            phones = 1 if len(q) <= 2 else min(len(q), 5)
        params.update(q=q, q_head=q[:2], q_tail=q[-2:], p_head=q[:4], p_tail=q[-4:],
                      p_after=q[:-1] + chr(ord(q[-1]) + 1), pattern=f"%{_escaped(q)}%")
    shape = _Shape(scope is not None, filters.liaison_id is not None, tag, filters.bound,
                   filters.reachable is not None, names, phones, fields, hide_tags)
    return shape, params


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# ---- the SQL of a shape ---------------------------------------------------------------------------------
# Three ways to a page, by what narrows it most cheaply: a search's matches (looked up by id), a
# stored tag's list (retiree_tags_tag), or the live roster or one liaison's part of it (retirees_live,
# retirees_live_liaison). Each is read in id order, so a page stops once it has its rows.

_TAGGED = "EXISTS (SELECT 1 FROM retiree_tags t WHERE t.retiree_id = {} AND t.tag = :tag)"
_NAMED = "EXISTS (SELECT 1 FROM retiree_name_grams g WHERE g.gram = lower(:q) AND g.retiree_id = r.id)"


def _conditions(shape: _Shape, *, by_id: bool = False, for_count: bool = False) -> list[str]:
    """The conditions on `r` besides the tag and the search. `by_id`: each r is looked up by id (a
    search's matches): in retirees_live(_liaison) when those hold every condition, else in the table
    (a unary + keeps SQLite's planner from scanning an index of the whole roster instead, testing
    each entry against the matches). `for_count`: the birth-date bound may lead an index range;
    otherwise it must not (a page is read in id order)."""
    by_row = by_id and (shape.tag == "aged" or shape.bound is not None or shape.reachable)
    out = ["+r.deleted_at IS NULL" if by_row else "r.deleted_at IS NULL"]
    if shape.scope:
        out.append("r.liaison_id = :scope")
    if shape.liaison:
        out.append("r.liaison_id = :liaison")
    if shape.bound is not None:
        # never through the unique index on telegram_user_id: that range is most of the roster, out of id order
        out.append(f"+r.telegram_user_id IS {'NOT ' if shape.bound else ''}NULL")
    if shape.reachable:
        out.append("r.reachable = :reachable")
    if shape.tag == "aged":
        out.append("r.birth_date <= :aged" if for_count else "+r.birth_date <= :aged")
    return out


def _needs_row(shape: _Shape) -> bool:
    """Whether a search's match must be looked up in `retirees` (its pieces are live retirees only)."""
    return shape.scope or shape.liaison or shape.bound is not None or shape.reachable or shape.tag == "aged"


def _one_piece(shape: _Shape) -> bool:
    """A name search of one or two characters and no phones: one list of ids, already in id order."""
    return shape.names in (1, 2) and not shape.phones


def _matches(shape: _Shape) -> str:
    """The ids a search finds (live retirees only: the pieces hold no one else)."""
    if shape.names < 3:
        found = ["SELECT retiree_id FROM retiree_name_grams WHERE gram = lower(:q)"]
    else:  # the rarer end (the given name) drives; LIKE then checks the pieces are one run
        found = ["SELECT a.retiree_id FROM retiree_name_grams a CROSS JOIN retiree_name_grams b"
                 " ON b.gram = lower(:q_head) AND b.retiree_id = a.retiree_id"
                 " JOIN retirees n ON n.id = a.retiree_id"
                 " WHERE a.gram = lower(:q_tail) AND n.name LIKE :pattern ESCAPE '\\'"]
    if shape.phones == 1:
        found.append("SELECT retiree_id FROM retiree_phones WHERE phone LIKE :pattern ESCAPE '\\'")
    elif shape.phones == 3:  # every piece that starts with them ('1381', '138$' for '138')
        found.append("SELECT retiree_id FROM retiree_phone_grams WHERE gram >= :q AND gram < :p_after")
    elif shape.phones == 4:  # one piece, exactly
        found.append("SELECT retiree_id FROM retiree_phone_grams WHERE gram = :q")
    elif shape.phones == 5:  # a number's end is rarer than its start (138..., 139...)
        found.append("SELECT a.retiree_id FROM retiree_phone_grams a CROSS JOIN retiree_phone_grams b"
                     " ON b.gram = :p_head AND b.retiree_id = a.retiree_id WHERE a.gram = :p_tail"
                     " AND EXISTS (SELECT 1 FROM retiree_phones p WHERE p.retiree_id = b.retiree_id"
                     " AND p.phone LIKE :pattern ESCAPE '\\')")
    return " UNION ".join(found)


def _searched(shape: _Shape, select: str, order: bool) -> str:
    """`select` (with {} for the id column) over a search's matches that meet the other filters, in
    id order when `order`."""
    if _one_piece(shape):
        if shape.names == 1 and (shape.scope or shape.liaison):
            # one character is in thousands of names, a liaison has a few dozen people: read theirs
            by, source, where = "r.id", "retirees r", [*_conditions(shape), _NAMED]
        elif _needs_row(shape):
            by, source = "g.retiree_id", "retiree_name_grams g JOIN retirees r ON r.id = g.retiree_id"
            where = ["g.gram = lower(:q)", *_conditions(shape, by_id=True)]
        else:
            by, source, where = "g.retiree_id", "retiree_name_grams g", ["g.gram = lower(:q)"]
    elif _needs_row(shape):
        by, source = "r.id", "retirees r"
        where = ["r.id IN (SELECT id FROM matches)", *_conditions(shape, by_id=True)]
    else:
        by, source, where = "m.id", "matches m", ["true"]
    if shape.tag == "stored":
        where.append(_TAGGED.format(by))
    sql = f"SELECT {select.format(by)} FROM {source} WHERE {' AND '.join(where)}"
    return f"{sql} ORDER BY {by}" if order else sql


def _ids_sql(shape: _Shape) -> str:
    """The page's ids, in id order, read from the narrowest index that keeps that order."""
    page = " LIMIT :limit OFFSET :offset"
    if shape.names:
        return _searched(shape, "{} AS id", order=True) + page
    where = " AND ".join(_conditions(shape))
    if shape.tag == "stored":
        return ("SELECT t.retiree_id AS id FROM retiree_tags t JOIN retirees r ON r.id = t.retiree_id"
                f" WHERE t.tag = :tag AND {where} ORDER BY t.retiree_id" + page)
    return f"SELECT r.id FROM retirees r WHERE {where} ORDER BY r.id" + page


def _tally_terms(shape: _Shape) -> list[str]:
    terms = []
    if shape.scope:
        terms.append("liaison = :scope")
    if shape.liaison:
        terms.append("liaison = :liaison")
    if shape.bound is not None:
        terms.append(f"bound = {int(shape.bound)}")
    if shape.reachable:
        terms.append("reachable = :reachable")
    return terms


def _with_matches(shape: _Shape) -> str:
    """A search's matches, found once for both the page and its total."""
    return "" if not shape.names or _one_piece(shape) else f"WITH matches(id) AS MATERIALIZED ({_matches(shape)}) "


def _count_expr(shape: _Shape) -> str:
    """How many match, as one SELECT (a search's reads `matches`)."""
    if shape.names:
        return _searched(shape, "count(*)", order=False)
    if shape.tag == "aged":
        if shape.scope or shape.liaison:  # retirees_live_liaison_birth: this liaison's elders only
            return f"SELECT count(*) FROM retirees r WHERE {' AND '.join(_conditions(shape, for_count=True))}"
        terms = " AND ".join(["month < :aged_month", *_tally_terms(shape)])
        last_month = " AND ".join(["r.birth_date >= :aged_month_start", *_conditions(shape, for_count=True)])
        return (f"SELECT (SELECT coalesce(sum(n), 0) FROM roster_birth_tally WHERE {terms})"
                f" + (SELECT count(*) FROM retirees r WHERE {last_month})")
    terms = " AND ".join(["tag = :tag" if shape.tag == "stored" else "tag = ''", *_tally_terms(shape)])
    return f"SELECT coalesce(sum(n), 0) FROM roster_tally WHERE {terms}"


@lru_cache(maxsize=256)
def _count_sql(shape: _Shape) -> str:
    return _with_matches(shape) + _count_expr(shape)


@lru_cache(maxsize=256)
def _page_sql(shape: _Shape) -> str:
    hidden = " AND tag NOT IN (SELECT value FROM json_each(:hidden_tags))" if shape.hide_tags else ""
    body = ", ".join(f"'{name}', {FIELDS[name].replace('{hidden}', hidden)}" for name in shape.fields)
    return (f"{_with_matches(shape)}SELECT json_object({body}), {_moment('r.created_at')},"
            f" {_moment('r.updated_at')}, ({_count_expr(shape)})"
            f" FROM ({_ids_sql(shape)}) AS page JOIN retirees r ON r.id = page.id"
            " LEFT JOIN staff s ON s.id = r.liaison_id ORDER BY r.id")
