"""Pastes laid out by a tool rather than written as lines: tables from a tracker or a doc (a Jira or Linear CSV
export, a TSV copied from a sheet, a markdown table) and forms of labelled fields (STAR, "What I did: / Impact:"),
read as the list they are: one item per row or per filled-in form.

The brag reader reads lines; a row of cells on one line would be one entry holding the statuses and assignees of
every column ("PAY-2231 Migrate refund worker ... Done Fixed Priya Nair"), and each field of a STAR answer an entry
of its own. Which column or field is which comes from its name, by the words in `knowledge/brag.yaml`
(`table_columns`, `form_fields`)."""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Laid:
    """A line of the paste as its layout tells it: `ordered` for a tracker's row (its title is an order, "Migrate
    refund worker"), `whole` for a filled-in form (one accomplishment, however many clauses)."""

    text: str
    ordered: bool = False
    whole: bool = False


MARKDOWN_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)+\|?\s*$")
TICKET = re.compile(r"^[A-Z][A-Z0-9]*-\d+$")
HEADER_CELL = re.compile(r"^[A-Za-z][A-Za-z_ ()/#&'-]{0,24}$")  # a column's name: short, no digits


def _markdown_cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _words(name: str) -> str:
    return " ".join(re.findall(r"[a-z]+", name.lower()))


def _column_kind(name: str, columns: Mapping[str, Sequence[str]]) -> str | None:
    """The kind of a column or field by its name, whatever its case and punctuation ("Rating (self)")."""
    lowered = _words(name)
    return next((kind for kind, names in columns.items() if lowered in map(_words, names)), None)


def _delimited(lines: Sequence[str], columns: Mapping[str, Sequence[str]]) -> list[list[str]] | None:
    """The rows of a block written as CSV or TSV: a header of short names, one of them a column name we know
    ("Summary", "Status"), and every row with as many cells; a list whose lines hold commas is none."""
    for delimiter in ("\t", ","):
        try:
            rows = [[cell.strip() for cell in row] for row in csv.reader(lines, delimiter=delimiter)]
        except csv.Error:  # a stray NUL or an unclosed quote: lines, not a table
            return None
        width = len(rows[0])
        if (width >= 2 + (delimiter == ",") and all(len(row) == width for row in rows)
                and all(HEADER_CELL.match(cell) for cell in rows[0])
                and any(_column_kind(cell, columns) for cell in rows[0])):  # fmt: skip
            return rows
    return None


def _table(lines: Sequence[str], columns: Mapping[str, Sequence[str]]) -> list[list[str]] | None:
    """A block's rows, header first, when the block is a table."""
    if len(lines) < 2:
        return None
    if all(line.strip().startswith("|") for line in lines) and any(MARKDOWN_RULE.match(line) for line in lines):
        rows = [_markdown_cells(line) for line in lines if not MARKDOWN_RULE.match(line)]
        return rows if len(rows) >= 2 else None
    return _delimited(lines, columns)


def _row_item(header: Sequence[str], row: Sequence[str], columns: Mapping[str, Sequence[str]],
              open_statuses: Sequence[str]) -> str | None:  # fmt: skip
    """A row as one line of work: its work cells, then its result cells, then its ticket id in brackets; None for a
    row of work not done yet (status "In Progress")."""
    kinds = [_column_kind(name, columns) for name in header]
    cells = list(zip(kinds, row, strict=False))
    named = list(zip(header, kinds, row, strict=False))
    if any(kind == "status" and cell.lower() in open_statuses for kind, cell in cells):
        return None
    work = [cell for kind, cell in cells if kind == "work" and cell]
    # "| Billing v2 | Led backend for usage-based billing |": the project the work was on names it, in brackets
    context = [cell for kind, cell in cells if kind == "context" and cell] if work else []
    if not work:  # no column says where the work is: the cell with the most words (the summary, whatever its name)
        unnamed = [cell for kind, cell in cells if kind is None and cell and not TICKET.match(cell)]
        work = [max(unnamed, key=lambda cell: len(cell.split()))] if unnamed else []
    if not work:  # "| Project | Impact |": the project's name is what was done
        work = [cell for kind, cell in cells if kind == "context" and cell]
    if not work and not any(kind == "result" and cell for kind, cell in cells):
        return None
    result = [cell for kind, cell in cells if kind == "result" and cell]
    ticket = next((cell for _, cell in cells if TICKET.match(cell)), None)
    # A number in a column we do not know ("Fix Version: 2.3") is still the person's: it stays, with its column.
    extra = [f"{name} {cell}" for name, kind, cell in named
             if kind is None and cell not in work and cell != ticket and re.search(r"\d", cell)]  # fmt: skip
    # the result as a sentence of its own, so the bullet can lead with it ("Cut CI time from 22 to 7 min by ...")
    text = ". ".join(
        part for part in ("; ".join(c.rstrip(" .") for c in work), "; ".join(c.rstrip(" .") for c in result)) if part
    )
    noted = ", ".join([*context, *([ticket] if ticket else []), *extra])
    return f"{text} ({noted})" if noted else text


FIELD = re.compile(r"^\s*(?:[-*]\s+)?\**(?P<name>[A-Za-z][\w ()'/-]{0,30}?)\**\s*:\s*\**\s*(?P<value>.*)$")
PENDING = re.compile(r"\b(?:tbd|tbc|n/a|pending|waiting|not yet|unknown|to be measured)\b", re.IGNORECASE)
FIELD_DONE = re.compile(r"^(?:done|complete|completed|achieved|shipped|met)\b[\s✅!.,:;—–-]*", re.IGNORECASE)


def _field(line: str, fields: Mapping[str, Sequence[str]]) -> tuple[str, str] | None:
    """(kind, value) of a line that is one field of a form ("Result: missing invoices went to 0")."""
    found = FIELD.match(line)
    if found is None:
        return None
    kind = _column_kind(found.group("name"), fields)
    return (kind, found.group("value").strip()) if kind else None


def _filled_form(fields_found: Sequence[tuple[str, str]]) -> str | None:
    """A form's fields as one piece of work: what was done, then what came of it; the situation, the task and any
    self-rating are the scene, not the work, unless they hold a number; an impact still to come ("TBD") is none."""
    done = [value.rstrip(" .") for kind, value in fields_found if kind == "work" and value]
    came = [FIELD_DONE.sub("", value).rstrip(" .") for kind, value in fields_found if kind == "result" and value]
    came = [value for value in came if value and (re.search(r"\d", value) or not PENDING.search(value))]
    # a scene with a number in it is the "before" of the result ("hitting 90% CPU every Monday"): it stays, last
    before = [value.rstrip(" .") for kind, value in fields_found if kind == "scene" and re.search(r"\d", value)]
    return ". ".join([*done, *came, *before]) or None


def _forms(lines: Sequence[Laid], fields: Mapping[str, Sequence[str]], limit: int) -> list[Laid]:
    """The lines with each run of two or more form fields (one of them work or a result) as one "- " item; a form
    too long for one entry (`limit` characters) gives one item per field of work or result instead."""
    out: list[Laid] = []
    index = 0
    while index < len(lines):
        run: list[tuple[str, str]] = []
        while index + len(run) < len(lines) and (found := _field(lines[index + len(run)].text, fields)):
            run.append(found)
        if len(run) >= 2 and any(kind in ("work", "result") for kind, _ in run):
            item = _filled_form(run)
            if item and len(item) > limit:
                out.extend(Laid(f"- {value}") for kind, value in run if kind in ("work", "result") and value)
            elif item:
                out.append(Laid(f"- {item}", whole=True))
            index += len(run)
            continue
        out.append(lines[index])
        index += 1
    return out


def as_lines(
    paste: str,
    columns: Mapping[str, Sequence[str]],
    open_statuses: Sequence[str],
    fields: Mapping[str, Sequence[str]],
    limit: int,
) -> list[Laid]:
    """The paste's lines with each table in it written as a list, one "- " item per row done, and each filled-in
    form as one item (of at most `limit` characters); other lines as they were."""
    return _forms(_rows_as_items(paste, columns, open_statuses), fields, limit)


def _rows_as_items(paste: str, columns: Mapping[str, Sequence[str]], open_statuses: Sequence[str]) -> list[Laid]:
    """The paste's lines, each block that is a table (from its header on) as one ordered item per row done."""
    blocks: list[list[str]] = [[]]
    for line in paste.split("\n"):
        if line.strip():
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    out: list[Laid] = []
    for block in blocks:
        # "here's my export:" over the header stays a line of its own
        found = next(
            ((start, rows) for start in range(len(block) - 1) if (rows := _table(block[start:], columns))), None
        )
        if found is None:
            out.extend([*map(Laid, block), Laid("")])
            continue
        start, rows = found
        out.extend(map(Laid, block[:start]))
        header, *body = rows
        out.extend(Laid(f"- {item}", ordered=True) for row in body
                   if (item := _row_item(header, row, columns, open_statuses)))  # fmt: skip
        out.append(Laid(""))
    return out
