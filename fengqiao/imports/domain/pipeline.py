"""The reading half of a committed import in a second process: while the parent writes one batch, a child reads
and parses the next ones and resolves their addresses (the gazetteer parse and the match against the station's
index: CPU only, no query).

The child only precomputes. It never touches the database: the parent loads what it needs first (categories in
the parser, the gazetteer and the station's address index) and the child is forked with them. Row numbers,
`rows_done` and the checkpoint stay in the parent, which writes each batch exactly as before; a killed parent
leaves nothing to the child but to notice and exit. The index a resolution was made with is the parent's: when
the parent's copy expires (places.index.CACHE_SECONDS) it sends the new one, and resolutions made with an older
one are dropped and done again by the parent.
"""

import math
import multiprocessing
import os
import pickle
import queue
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from itertools import islice
from multiprocessing.process import BaseProcess
from pathlib import Path

from fengqiao.imports.domain.columns import Header
from fengqiao.imports.domain.reading import read_rows
from fengqiao.imports.domain.rows import Parsed, RowParser
from fengqiao.lib.errors import DomainError
from fengqiao.places import index as places_index
from fengqiao.places.proposals import AddressOutcome, outcome_of
from fengqiao.places.resolution import resolve_address
from fengqiao.stations.models import Station

# Batches the child may be ahead of the parent: enough to keep both busy, few enough to keep memory flat.
AHEAD = 2
POLL_SECONDS = 1.0


@dataclass
class Prepared:
    """A batch made ready by the child: how many file rows it consumed, its rows parsed, its addresses resolved."""

    rows: int
    parsed: list[Parsed]
    resolved: dict[str, AddressOutcome]
    generation: int  # the index the resolutions were made with


@contextmanager
def prepared_batches(
    path: Path, header: Header, parser: RowParser, station: Station, *, skip: int, batch_size: int
) -> Iterator[Iterator[Prepared]]:
    """The batches of the file after its first `skip` rows below the header, read and prepared by a child."""
    index = _warm_index(station) if "address" in header.mapping else None
    context = multiprocessing.get_context("fork")  # the child inherits the loaded parser, gazetteer and index
    out: multiprocessing.Queue[bytes] = context.Queue(maxsize=AHEAD)
    control: multiprocessing.Queue[tuple[int, bytes]] = context.Queue()
    args = (out, control, path, header, parser, station, skip, batch_size, index, os.getpid())
    child = context.Process(target=_produce, args=args, daemon=True, name="import-reader")
    child.start()
    try:
        yield _receive(out, control, child, station, index)
    finally:
        if child.is_alive():
            child.terminate()
        child.join()
        control.cancel_join_thread()  # an index still buffered for a child that is gone must not hold the exit
        out.close()
        control.close()


def _warm_index(station: Station) -> places_index.StationIndex:
    """Load the gazetteer and build the station's index in the parent (a query), before the child is forked."""
    resolve_address(station, "1号楼")
    return places_index.index_for(station)


def _receive(
    out: "multiprocessing.Queue[bytes]",
    control: "multiprocessing.Queue[tuple[int, bytes]]",
    child: BaseProcess,
    station: Station,
    index: places_index.StationIndex | None,
) -> Iterator[Prepared]:
    generation = 0
    while True:
        payload = _next_payload(out, child)
        item = pickle.loads(payload)
        if item is None:
            return
        if isinstance(item, _Failure):
            item.throw()
        if index is not None and (current := places_index.index_for(station)) is not index:
            index, generation = current, _send_index(control, current, generation)
        if item.generation != generation:
            item.resolved = {}  # made with an index the parent no longer holds: the parent resolves them
        yield item


def _next_payload(out: "multiprocessing.Queue[bytes]", child: BaseProcess) -> bytes:
    while True:
        try:
            return out.get(timeout=POLL_SECONDS)
        except queue.Empty as empty:
            if not child.is_alive() and out.empty():
                ended = f"The import's reading process ended unexpectedly (exit code {child.exitcode})."
                raise RuntimeError(ended) from empty


def _send_index(
    control: "multiprocessing.Queue[tuple[int, bytes]]", index: places_index.StationIndex, last: int
) -> int:
    """Hand the child the parent's new index; -1 (no resolution is ever taken again) when it cannot be sent."""
    if last < 0:
        return last
    try:
        control.put((last + 1, pickle.dumps(index)))
    except Exception:  # an index that cannot be pickled: the parent resolves from now on
        return -1
    return last + 1


@dataclass
class _Failure:
    """What went wrong in the child, raised again in the parent: a DomainError as it was, anything else in words."""

    domain: tuple[str, str, str | None, int] | None
    text: str

    def throw(self) -> None:
        if self.domain is not None:
            raise DomainError(*self.domain)
        raise RuntimeError(f"The import's reading process failed:\n{self.text}")


def _dumps(item: Prepared | _Failure | None) -> bytes:
    return pickle.dumps(item, pickle.HIGHEST_PROTOCOL)


def _produce(
    out: "multiprocessing.Queue[bytes]",
    control: "multiprocessing.Queue[tuple[int, bytes]]",
    path: Path,
    header: Header,
    parser: RowParser,
    station: Station,
    skip: int,
    batch_size: int,
    index: places_index.StationIndex | None,
    parent: int,
) -> None:
    """The child: prepare every batch, then None; a failure is sent instead. Exits when the parent is gone."""
    generation = 0
    if index is not None:
        _pin(index)
    try:
        body = (row for row in read_rows(path) if row[0] > header.row)
        rows = islice(body, skip, None)
        while chunk := list(islice(rows, batch_size)):
            generation = _take_new_index(control, generation)
            parsed = [parser.parse(number, values) for number, values in chunk]
            resolved = _resolve(station, parsed) if index is not None else {}
            if not _put(out, _dumps(Prepared(len(chunk), parsed, resolved, generation)), parent):
                return
        _put(out, _dumps(None), parent)
    except DomainError as error:
        _put(out, _dumps(_Failure((error.code, error.message, error.field, error.status), "")), parent)
    except Exception:  # reported to the parent, which fails the run with it
        _put(out, _dumps(_Failure(None, traceback.format_exc())), parent)


def _pin(index: places_index.StationIndex) -> None:
    """The child's copy never expires (rebuilding it would query): the parent sends a new one when its own does."""
    places_index._cache[index.station_id] = replace(index, built_at=math.inf)


def _take_new_index(control: "multiprocessing.Queue[tuple[int, bytes]]", generation: int) -> int:
    try:
        while True:
            generation, data = control.get_nowait()
            _pin(pickle.loads(data))
    except queue.Empty:
        return generation


def _resolve(station: Station, parsed: list[Parsed]) -> dict[str, AddressOutcome]:
    """Each distinct address text of the batch resolved once, keyed as register_batch looks them up; with the
    proposal and the search tokens of an unmatched one made here too, not in the writing process."""
    texts = {p.registration.address.strip() for p in parsed if p.registration is not None} - {""}
    return {text: outcome_of(resolve_address(station, text)) for text in texts}


def _put(out: "multiprocessing.Queue[bytes]", payload: bytes, parent: int) -> bool:
    """Queue the payload; False when the parent has died meanwhile (killed: nobody will read it)."""
    while True:
        try:
            out.put(payload, timeout=POLL_SECONDS)
            return True
        except queue.Full:
            if os.getppid() != parent:
                out.cancel_join_thread()  # what is still buffered would wait for a reader forever
                return False
