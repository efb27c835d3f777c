"""OpenCC's own conversions, with the dictionary groups they name merged into single files.

OpenCC 1.4 keeps every group of dictionaries a configuration names in memory as a trie of its
own, while a single dictionary file is searched where it lies. ``s2twp`` and ``s2hk`` name the
49,000 phrases of STPhrases in two groups (one to segment the text, one to convert it), and
their tries take some 30 MB; the same phrases merged into single files take about 12 MB.

A group merges into one file that converts exactly as the group does when:

- its policy is ``union`` (the longest key of any member wins; on equal length the earlier
  member): all members' entries, the earlier member's where two have the same key;
- its policy is ``short_circuit`` (the first member with any key at that point wins, with its
  longest key): the same, when no member has a key longer than the shortest key of a member
  before it. In ``s2twp`` the phrases (two characters or more) come before the characters (one
  character), so wherever a phrase matches, it is also the longest key of the merged file.

The merged files are built from the installed package's own dictionaries with OpenCC's own
dictionary tool (``opencc_dict``, shipped in the package), in a temporary directory that is
deleted once the converters are loaded (OpenCC reads its dictionaries into memory). A group that
does not meet these conditions is left as OpenCC configures it; when the tool or a dictionary is
missing, or anything fails, OpenCC's configuration is used as it is.
"""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import opencc

log = logging.getLogger(__name__)

_CLIB = Path(opencc.__file__).parent / "clib"
SHARE = _CLIB / "share" / "opencc"  # where the opencc package keeps its configurations
BIN = _CLIB / "bin"  # and its tools
_TIMEOUT = 60.0  # seconds for one run of the dictionary tool (it takes a fraction of one)


def load(*names: str) -> dict[str, Any]:
    """OpenCC converters for the named configurations (``s2twp``, ...), groups merged."""
    tool = shutil.which("opencc_dict", path=str(BIN))
    if tool is not None and SHARE.is_dir():
        try:
            with tempfile.TemporaryDirectory(prefix="opencc-") as work:
                merger = _Merger(tool, Path(work))
                paths = {name: merger.config(name) for name in names}
                return {name: opencc.OpenCC(str(path)) for name, path in paths.items()}
        except Exception as exc:  # any failure: OpenCC's own configuration still converts
            log.warning("OpenCC dictionaries not merged (%s); using the configurations", exc)
    return {name: opencc.OpenCC(name) for name in names}


def merged(converter: Any) -> bool:
    """True when ``converter`` came from a configuration of merged dictionaries."""
    return not Path(str(converter.config)).is_relative_to(SHARE)


class _Merger:
    def __init__(self, tool: str, work: Path) -> None:
        self._tool = tool
        self._work = work
        self._dumps: dict[str, tuple[Path, int, int]] = {}  # file: text, shortest, longest key
        self._files: dict[tuple[str, ...], str] = {}  # the files merged: the merged file

    def config(self, name: str) -> Path:
        """OpenCC's configuration ``name``, written to the work directory with groups merged."""
        doc = json.loads((SHARE / f"{name}.json").read_text(encoding="utf-8"))
        path = self._work / f"{name}.json"
        path.write_text(json.dumps(self._rewrite(doc), ensure_ascii=False), encoding="utf-8")
        return path

    def _rewrite(self, node: Any) -> Any:
        """The configuration with every dictionary it names rewritten by ``_dict``."""
        if isinstance(node, list):
            return [self._rewrite(item) for item in node]
        if isinstance(node, dict):
            return {k: self._dict(v) if k == "dict" else self._rewrite(v) for k, v in node.items()}
        return node

    def _dict(self, node: dict[str, Any]) -> dict[str, Any]:
        """A dictionary as one merged file when it merges exactly; files named by full path."""
        files = self._mergeable(node)
        if files is not None and len(files) > 1:
            return {"type": "ocd2", "file": self._merge(tuple(files))}
        if node.get("type") == "group":
            return {**node, "dicts": [self._dict(d) for d in node["dicts"]]}
        if "file" in node:  # the configuration is no longer next to its dictionaries
            return {**node, "file": str(SHARE / node["file"])}
        return node

    def _mergeable(self, node: dict[str, Any]) -> list[str] | None:
        """The dictionary files, first first, whose merge converts as ``node`` does; or None."""
        if set(node) == {"type", "file"} and node["type"] == "ocd2":
            return [node["file"]]
        if node.get("type") != "group" or set(node) - {"type", "dicts", "match_policy"}:
            return None
        members: list[list[str]] = []
        for child in node["dicts"]:
            files = self._mergeable(child)
            if files is None:
                return None
            members.append(files)
        policy = node.get("match_policy", "short_circuit")
        if policy == "short_circuit":
            for i, member in enumerate(members[:-1]):
                shortest = min(self._dump(f)[1] for f in member)
                if any(self._dump(f)[2] > shortest for m in members[i + 1 :] for f in m):
                    return None
        elif policy != "union":
            return None
        return [f for m in members for f in m]

    def _dump(self, file: str) -> tuple[Path, int, int]:
        """The dictionary as text (``key<TAB>values`` lines), its shortest and longest key."""
        if file not in self._dumps:
            text = self._work / f"dump{len(self._dumps)}.txt"
            self._run(SHARE / file, text, "ocd2", "text")
            shortest, longest = 1 << 30, 0
            for key, _ in _entries(text):
                shortest, longest = min(shortest, len(key)), max(longest, len(key))
            self._dumps[file] = (text, shortest, longest)
        return self._dumps[file]

    def _merge(self, files: tuple[str, ...]) -> str:
        """One dictionary file of all the entries, the first file's where keys repeat."""
        if files not in self._files:
            text = self._work / f"merged{len(self._files)}.txt"
            with text.open("w", encoding="utf-8") as out:
                for i, file in enumerate(files):
                    dump = self._dump(file)[0]
                    if i == 0:
                        out.writelines(line for _, line in _entries(dump))
                        continue
                    # Only a later file's keys are held in memory (STPhrases comes first).
                    keys = {key for key, _ in _entries(dump)}
                    for earlier in files[:i]:
                        keys.difference_update(k for k, _ in _entries(self._dump(earlier)[0]))
                    out.writelines(line for key, line in _entries(dump) if key in keys)
            ocd2 = self._work / f"merged{len(self._files)}.ocd2"
            self._run(text, ocd2, "text", "ocd2")
            self._files[files] = str(ocd2)
        return self._files[files]

    def _run(self, source: Path, target: Path, source_format: str, target_format: str) -> None:
        command = [self._tool, "-i", str(source), "-o", str(target)]
        command += ["-f", source_format, "-t", target_format]
        subprocess.run(command, check=True, capture_output=True, timeout=_TIMEOUT)


def _entries(text: Path) -> Iterator[tuple[str, str]]:
    """(key, line) for each line of a dictionary in text form, the line ending in a newline."""
    with text.open(encoding="utf-8") as lines:
        for line in lines:
            yield line.split("\t", 1)[0], line if line.endswith("\n") else line + "\n"
