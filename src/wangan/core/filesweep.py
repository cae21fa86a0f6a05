"""Remove stored bytes that no file row refers to.

``files.file_store`` writes the bytes before the row, so that a committed row always has its bytes.
When the caller's outer transaction rolls back after that, the row vanishes with it and the bytes stay
behind under their random name: unreachable (no row, no download) but taking space. This sweep finds
such names and deletes them once they are older than a grace period, so an upload that is still on its
way to being committed is never touched.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.files.storage import default_storage
from django.utils import timezone

from wangan.core.audit import audit_record
from wangan.core.models import StoredFile

logger = logging.getLogger(__name__)

# Only names ``files._storage_name`` makes: other apps' spool files in the same storage are not ours.
_OURS = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{32}\.[a-z0-9]{1,10}$")
DEFAULT_GRACE = timedelta(hours=24)


@dataclass
class SweepResult:
    examined: int = 0
    orphans: list[str] = field(default_factory=list)
    removed: int = 0
    bytes_freed: int = 0


def _dirs_and_files(path: str) -> tuple[list[str], list[str]]:
    try:
        return default_storage.listdir(path)
    except FileNotFoundError:  # nothing stored yet (or removed meanwhile)
        return [], []


def _candidate_names():
    for top in sorted(_dirs_and_files("")[0]):
        if not re.fullmatch(r"[0-9a-f]{2}", top):
            continue
        for mid in sorted(_dirs_and_files(top)[0]):
            for name in sorted(_dirs_and_files(f"{top}/{mid}")[1]):
                full = f"{top}/{mid}/{name}"
                if _OURS.match(full):
                    yield full


def files_sweep_orphans(
    *, grace: timedelta = DEFAULT_GRACE, dry_run: bool = False, batch: int = 500
) -> SweepResult:
    """Delete stored bytes with no ``StoredFile`` row that are older than ``grace``; audited when any go."""
    result = SweepResult()
    cutoff = timezone.now() - grace
    pending: list[str] = []

    def settle(names: list[str]) -> None:
        known = set(StoredFile.objects.filter(storage_name__in=names).values_list("storage_name", flat=True))
        for name in names:
            if name in known:
                continue
            try:
                if default_storage.get_modified_time(name) > cutoff:
                    continue  # maybe an upload whose transaction has not committed yet
                size = default_storage.size(name)
            except FileNotFoundError:
                continue
            result.orphans.append(name)
            if not dry_run:
                default_storage.delete(name)
                result.removed += 1
                result.bytes_freed += size

    for name in _candidate_names():
        result.examined += 1
        pending.append(name)
        if len(pending) >= batch:
            settle(pending)
            pending = []
    if pending:
        settle(pending)
    if result.removed:
        logger.info("removed %d orphaned upload(s), %d bytes", result.removed, result.bytes_freed)
        audit_record(action="file.orphans_swept", actor=None, actor_name="system",
                     after={"removed": result.removed, "bytes": result.bytes_freed,
                            "names": result.orphans[:50]})  # fmt: skip
    return result
