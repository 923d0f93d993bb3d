"""All-or-nothing output: every file of a run goes to a temporary file in its folder
and is renamed into place only when all are complete.

A run writes a set (``case.json``, ``case.xlsx``, ``case.pdf``); half a set (a full
disk while writing the PDF) would pass for a complete run. :func:`write_all_atomic`
writes the set or nothing, keeps an earlier set of the same names unchanged on
failure, and refuses a set that would replace one of the run's own inputs
(:class:`ReplacesInputError`: an officer's filled template named like an output).
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterable, Mapping
from contextlib import suppress
from pathlib import Path

__all__ = [
    "InputFiles",
    "ReplacesInputError",
    "StagedWrite",
    "check_folder",
    "check_outputs",
    "refuse_replacing",
    "write_all_atomic",
    "write_bytes_atomic",
    "write_text_atomic",
]

PathLike = str | os.PathLike[str]


class ReplacesInputError(ValueError):
    """An output would replace an input of the same run (bad usage: the CLI exits 2).

    Attributes
    ----------
    input, output
        The input file as given, and the output path that names the same file.
    """

    def __init__(self, input_path: PathLike, output_path: PathLike) -> None:
        super().__init__(f"{input_path}: the output {output_path} would replace this input")
        self.input = Path(input_path)
        self.output = Path(output_path)


def _identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of an existing file, else None."""
    try:
        st = path.stat()
    except (OSError, ValueError):
        return None
    return st.st_dev, st.st_ino


class InputFiles:
    """A run's input files, looked up once (resolved path; device and inode) for many checks.

    :func:`refuse_replacing` and :func:`write_all_atomic` take it in place of a
    list: a batch writing each case's outputs as it finishes checks them against
    all its cases without resolving every case file again for each.
    """

    def __init__(self, inputs: Iterable[PathLike]) -> None:
        self.by_path: dict[Path, Path] = {}
        self.by_id: dict[tuple[int, int], Path] = {}
        for raw in inputs:
            p = Path(raw)
            self.by_path.setdefault(p.resolve(), p)
            ident = _identity(p)
            if ident is not None:
                self.by_id.setdefault(ident, p)


def refuse_replacing(outputs: Iterable[PathLike], inputs: Iterable[PathLike] | InputFiles) -> None:
    """Raise :class:`ReplacesInputError` when an output names the same file as an input.

    Two paths name the same file when their resolved forms are equal (``./x``,
    ``../dir/x``, an absolute path, a symbolic link) or, both existing, they have
    the same device and inode (a hard link, a case-insensitive file system), as
    :func:`os.path.samefile` decides.

    >>> refuse_replacing(["out/loan.json"], ["loan.xlsx"])
    >>> refuse_replacing(["./loan.xlsx"], ["loan.xlsx"])
    Traceback (most recent call last):
    ...
    appraisal.io.atomic.ReplacesInputError: loan.xlsx: the output loan.xlsx would replace this input
    """
    index = inputs if isinstance(inputs, InputFiles) else InputFiles(inputs)
    for raw in outputs:
        out = Path(raw)
        hit = index.by_path.get(out.resolve())
        if hit is None:
            ident = _identity(out)
            hit = index.by_id.get(ident) if ident is not None else None
        if hit is not None:
            raise ReplacesInputError(hit, out)


def check_folder(folder: PathLike) -> None:
    """Refuse, before any work, an output folder that cannot be made or written.

    Walks up to the nearest existing folder of ``folder`` (itself if it exists).

    Raises
    ------
    NotADirectoryError
        A file stands where the folder (or one of its parents) is needed; names it.
    PermissionError
        The nearest existing folder is not writable (as :func:`os.access` says:
        always writable for the superuser); names it.
    """
    p = Path(folder)
    for q in (p, *p.parents):
        if q.exists():
            break
    else:
        return
    if not q.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(q))
    if not os.access(q, os.W_OK | os.X_OK):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(q))


def check_outputs(
    folder: PathLike, outputs: Iterable[PathLike], inputs: Iterable[PathLike]
) -> None:
    """Before any work: :func:`check_folder` of ``folder``, then :func:`refuse_replacing`."""
    check_folder(folder)
    refuse_replacing(outputs, inputs)


def _named(exc: OSError, path: Path) -> OSError:
    """``exc`` naming ``path`` (``os.write`` names no file); same errno, so same subclass."""
    if exc.errno is None:
        return exc
    return OSError(exc.errno, exc.strerror or os.strerror(exc.errno), str(path))


def _make_folders(folders: Iterable[Path]) -> list[Path]:
    """Make each folder (and parents); return those made, deepest first."""
    made: list[Path] = []
    for folder in folders:
        missing = [q for q in (folder, *folder.parents) if not q.exists()]
        folder.mkdir(parents=True, exist_ok=True)
        made = missing + made
    return made


def _write_temp(target: Path, data: bytes, staged: list[tuple[Path, Path]]) -> None:
    """Write ``data`` to a new temporary file beside ``target``; record it in ``staged``."""
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:  # the folder refuses new files: name the folder
        raise _named(exc, target.parent) from exc
    tmp = Path(name)
    staged.append((tmp, target))
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        os.chmod(tmp, 0o644)
    except OSError as exc:  # a full disk: name the file that did not fit
        raise _named(exc, target) from exc


def _keep_earlier(target: Path, tmp: Path) -> Path | None:
    """A second name for an earlier file at ``target`` (None if none), to restore it."""
    if not os.path.lexists(target):
        return None
    backup = tmp.with_name(tmp.name.removesuffix(".tmp") + ".old")
    try:  # a hard link: the earlier file stays in place until the rename
        os.link(target, backup, follow_symlinks=False)
    except (OSError, NotImplementedError):  # a file system without hard links: move it aside
        os.replace(target, backup)
    return backup


def _swap_in(staged: list[tuple[Path, Path]]) -> None:
    """Rename every temporary file onto its target; on failure put every target back."""
    done: list[tuple[Path, Path | None]] = []
    try:
        for tmp, target in staged:
            done.append((target, _keep_earlier(target, tmp)))
            try:
                os.replace(tmp, target)
            except OSError as exc:
                raise _named(exc, target) from exc
    except BaseException:
        for target, backup in reversed(done):
            with suppress(OSError):
                if backup is not None:
                    os.replace(backup, target)
                    # rename() of two links to one file does nothing (POSIX): drop the link
                    backup.unlink(missing_ok=True)
                else:
                    target.unlink(missing_ok=True)
        raise
    for _, backup in done:
        if backup is not None:
            with suppress(OSError):
                backup.unlink()


def write_all_atomic(
    files: Mapping[Path, bytes], *, inputs: Iterable[PathLike] | InputFiles = ()
) -> list[Path]:
    """Write every file of ``files`` (path -> bytes), or none of them.

    Each file's bytes go to a temporary file in its own folder
    (``.<name>.<random>.tmp``, mode 0644); only when all are written are they
    renamed onto their names, each rename replacing an earlier file of that
    name atomically. On any failure (a full disk while writing the third file,
    an interrupt, a refused rename) the temporary files are removed, the names
    already renamed get their earlier file back (kept under a hard link, or
    moved aside where the file system has none) or are removed, and the folders
    this call made are removed when empty: none of the new files is left and an
    earlier set of the same names is unchanged. Readers of one name see the old
    file or the new one, never a part; two runs writing the same names at once
    may leave a mix of their (each complete) files.

    Parameters
    ----------
    files
        Output path -> its bytes, in the order to write.
    inputs
        Files the run read (or their :class:`InputFiles`): refused as targets
        before anything is written.

    Returns
    -------
    list of Path
        The paths written, in the order of ``files``.

    Raises
    ------
    ReplacesInputError
        An output would replace one of ``inputs``.
    ValueError
        Two outputs name the same file.
    IsADirectoryError
        A folder stands where an output goes (names it).
    OSError
        From the file system, naming the output path (or its folder when the
        folder refuses new files): e.g. ``ENOSPC``, ``EACCES``.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> [p.name for p in write_all_atomic({d / "a.json": b"{}", d / "a.xlsx": b"PK"})]
    ['a.json', 'a.xlsx']
    >>> sorted(p.name for p in d.iterdir())
    ['a.json', 'a.xlsx']
    """
    with StagedWrite(inputs=inputs) as staged:
        staged.add(files)
        staged.commit()
    return staged.paths


class StagedWrite:
    """:func:`write_all_atomic` in steps: sets of files staged as they are made, renamed together.

    For a run whose files come over time and should not wait in memory (a
    batch stages each case's files as the case finishes): :meth:`add` checks a
    set as :func:`write_all_atomic` does and writes its bytes to temporary files
    beside their names; :meth:`commit` renames every file staged into place, all
    or none. Leaving the ``with`` block without a commit (an exception, an
    interrupt) removes the temporary files and the folders made, as a failed
    :func:`write_all_atomic` does.

    Attributes
    ----------
    paths
        The files staged so far, in order.
    """

    def __init__(self, *, inputs: Iterable[PathLike] | InputFiles = ()) -> None:
        self._inputs = inputs if isinstance(inputs, InputFiles) else InputFiles(inputs)
        self._seen: dict[Path, Path] = {}
        self._made: list[Path] = []  # deepest first
        self._staged: list[tuple[Path, Path]] = []
        self._done = False
        self.paths: list[Path] = []

    def __enter__(self) -> StagedWrite:
        return self

    def __exit__(self, *exc: object) -> None:
        if not self._done:
            self.discard()

    def add(self, files: Mapping[Path, bytes]) -> None:
        """Check a set (the errors of :func:`write_all_atomic`) and write it to temporary files."""
        targets = [(Path(p), data) for p, data in files.items()]
        refuse_replacing([t for t, _ in targets], self._inputs)
        for target, _ in targets:
            key = target.resolve()
            if key in self._seen:
                raise ValueError(f"{target}: written twice (also as {self._seen[key]})")
            self._seen[key] = target
            if target.is_dir():
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(target))
        self._made = _make_folders(dict.fromkeys(t.parent for t, _ in targets)) + self._made
        for target, data in targets:
            _write_temp(target, data, self._staged)
        self.paths += [t for t, _ in targets]

    def commit(self) -> None:
        """Rename every staged file onto its name (on failure: every earlier file back)."""
        _swap_in(self._staged)
        self._done = True

    def discard(self) -> None:
        """Remove the temporary files and the (empty) folders made; nothing is renamed."""
        for tmp, _ in self._staged:
            with suppress(OSError):
                tmp.unlink(missing_ok=True)
        for folder in self._made:
            with suppress(OSError):
                folder.rmdir()
        self._staged, self._made, self._done = [], [], True


def write_bytes_atomic(path: PathLike, data: bytes, *, inputs: Iterable[PathLike] = ()) -> Path:
    """Write one file atomically (:func:`write_all_atomic` of one)."""
    return write_all_atomic({Path(path): data}, inputs=inputs)[0]


def write_text_atomic(path: PathLike, text: str) -> Path:
    """Write UTF-8 text atomically (newlines as given)."""
    return write_bytes_atomic(path, text.encode("utf-8"))
