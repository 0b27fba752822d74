"""The browser assets the desk serves, vendored from the npm registry (``make vendor``).

``api/static/vendor/manifest.json`` pins each package's version and the registry's
``dist.integrity`` (sha512 of the tarball) and lists the files taken from it with their
sha256. Running this module fetches every tarball again, refuses one whose digest differs
from the recorded integrity, and writes the files and their digests back. To upgrade, change
a ``version`` and empty its ``integrity``: the registry's is then recorded, and the tarball
checked against it. Standard library only: serving the assets needs no Node.js.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import sys
import tarfile
import urllib.request
from pathlib import Path
from typing import Any

VENDOR = Path(__file__).parent / "static" / "vendor"
MANIFEST = VENDOR / "manifest.json"
REGISTRY = "https://registry.npmjs.org"


def load_manifest(path: Path = MANIFEST) -> dict[str, Any]:
    manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return manifest


def sha256_of(data: bytes) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(data).digest()).decode()


def sha512_of(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def tarball_url(name: str, version: str) -> str:
    bare = name.rsplit("/", 1)[-1]  # "@graphiql/plugin-explorer" -> "plugin-explorer"
    return f"{REGISTRY}/{name}/-/{bare}-{version}.tgz"


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as response:
        body: bytes = response.read()
    return body


def registry_integrity(name: str, version: str) -> str:
    metadata = json.loads(_get(f"{REGISTRY}/{name.replace('/', '%2f')}/{version}"))
    integrity: str = metadata["dist"]["integrity"]
    return integrity


def members(tarball: bytes) -> dict[str, bytes]:
    """The tarball's regular files by path inside the package (npm's ``package/`` dropped)."""
    files: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        for member in archive.getmembers():
            if not member.isfile():
                continue
            extracted = archive.extractfile(member)
            assert extracted is not None
            files[member.name.split("/", 1)[1]] = extracted.read()
    return files


def fetch(package: dict[str, Any]) -> dict[str, bytes]:
    """The package's tarball, checked against its recorded integrity (the registry's,
    recorded now, when there is none yet)."""
    name, version = package["name"], package["version"]
    expected = package.get("integrity") or registry_integrity(name, version)
    tarball = _get(tarball_url(name, version))
    if sha512_of(tarball) != expected:
        raise SystemExit(f"{name}@{version}: the tarball does not match {expected}")
    package["integrity"] = expected
    return members(tarball)


def vendor(manifest: dict[str, Any], root: Path = VENDOR) -> None:
    contents = {package["name"]: fetch(package) for package in manifest["packages"]}
    for package in manifest["packages"]:
        files = contents[package["name"]]
        digests: dict[str, str] = {}
        for path in package["files"]:
            data = files[path]
            target = root / package["name"] / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            digests[path] = sha256_of(data)
        # A package published without its licence text: the one of the repository it
        # comes from, taken from a sibling package of that repository.
        if source := package.get("license_from"):
            data = contents[source]["LICENSE"]
            (root / package["name"] / "LICENSE").write_bytes(data)
            digests["LICENSE"] = sha256_of(data)
        package["files"] = digests


def problems(manifest: dict[str, Any], root: Path = VENDOR) -> list[str]:
    """What differs between the committed assets and the manifest (nothing, when intact)."""
    found: list[str] = []
    listed: set[Path] = {MANIFEST.resolve()}
    for package in manifest["packages"]:
        if not package.get("integrity", "").startswith("sha512-"):
            found.append(f"{package['name']}: no recorded integrity")
        if "LICENSE" not in package["files"]:
            found.append(f"{package['name']}: no licence beside it")
        for path, digest in package["files"].items():
            target = root / package["name"] / path
            listed.add(target.resolve())
            if not target.is_file():
                found.append(f"{target}: missing")
            elif sha256_of(target.read_bytes()) != digest:
                found.append(f"{target}: differs from the manifest")
    for path in root.rglob("*"):
        if path.is_file() and path.resolve() not in listed:
            found.append(f"{path}: not in the manifest")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only verify the committed files")
    args = parser.parse_args(argv)
    manifest = load_manifest()
    if not args.check:
        vendor(manifest)
        MANIFEST.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    found = problems(manifest)
    for problem in found:
        print(problem, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
