"""Static checks of the container deployment: docker-compose.yml and the Dockerfile.

Nothing here needs Docker; the files are parsed and cross-checked so that the
compose stack, the image and the application's documented settings stay in step.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from api.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"

MONGO_SERVICE = "mongo"
API_SERVICE = "api"
MONGO_DATA_DIR = "/data/db"
MONGO_DEFAULT_PORT = 27017

# Every environment variable the application reads: a field of api.settings.Settings,
# upper-cased (no prefix, no aliases; test_settings_are_read_under_their_field_names).
DOCUMENTED_SETTINGS: frozenset[str] = frozenset(name.upper() for name in Settings.model_fields)

_OFFICIAL_MONGO_IMAGE = re.compile(
    r"^(?:docker\.io/)?(?:library/)?mongo:(?P<major>\d+)(?:\.\d+)*(?:-[\w.-]+)?(?:@sha256:[0-9a-f]+)?$"
)
_INITIATE_SET_NAME = re.compile(r"rs\.initiate\(\s*\{\s*_id\s*:\s*['\"](?P<name>[^'\"]+)['\"]")
_INITIATE_MEMBER_HOST = re.compile(r"\bhost\s*:\s*['\"](?P<host>[^'\":]+)(?::(?P<port>\d+))?['\"]")
# Compose interpolation: $$, $NAME, ${NAME}, ${NAME:-default}, ${NAME-default},
# ${NAME:?error}, ${NAME?error}, ${NAME:+other}, ${NAME+other}.
_INTERPOLATION = re.compile(
    r"\$(?:(?P<escaped>\$)|(?P<bare>[A-Za-z_][A-Za-z0-9_]*)"
    r"|\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?+])(?P<arg>[^}]*))?\})"
)


# --------------------------------------------------------------------------- helpers


def _mapping(value: object, what: str) -> dict[str, Any]:
    assert isinstance(value, dict), f"{what} must be a mapping, got {type(value).__name__}"
    return {str(key): item for key, item in value.items()}


@cache
def _compose() -> dict[str, Any]:
    assert COMPOSE_FILE.is_file(), f"{COMPOSE_FILE} is missing"
    return _mapping(yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8")), "docker-compose.yml")


def _service(name: str) -> dict[str, Any]:
    services = _mapping(_compose().get("services"), "services")
    assert name in services, f"service {name!r} is not defined"
    return _mapping(services[name], f"service {name!r}")


def _scalar(value: object) -> str:
    """Render a YAML scalar the way Compose passes it to the container."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _interpolate(value: str, operator_env: Mapping[str, str]) -> str:
    """What Compose makes of ``value`` given the operator's environment."""

    def substitute(match: re.Match[str]) -> str:
        if match["escaped"]:
            return "$"
        name = match["bare"] or match["name"]
        op, arg = match["op"] or "", match["arg"] or ""
        given = operator_env.get(name)
        # With a colon, a variable set to "" counts as unset.
        is_set = given is not None and (given != "" or not op.startswith(":"))
        value = given or ""
        if op.endswith("-"):
            return value if is_set else arg
        if op.endswith("?"):
            assert is_set, f"${name} must be set: {arg}"
            return value
        if op.endswith("+"):
            return arg if is_set else ""
        return value

    return _INTERPOLATION.sub(substitute, value)


def _api_environment(operator_env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The api container's environment when the operator's shell has ``operator_env``
    (none by default: what the file itself sets)."""
    given = operator_env or {}
    raw = _service(API_SERVICE).get("environment", {})
    if isinstance(raw, list):
        env: dict[str, str] = {}
        for entry in raw:
            key, _, value = str(entry).partition("=")
            env[key] = _interpolate(value, given)
        return env
    return {
        key: _interpolate(_scalar(value), given)
        for key, value in _mapping(raw, "api environment").items()
    }


def _settings_of(env: Mapping[str, str], monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The Settings the app builds from ``env`` (and nothing of the test's own environment)."""
    for name in DOCUMENTED_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return Settings()


def _api_env(name: str) -> str:
    env = _api_environment()
    assert name in env, f"api environment does not set {name}"
    return env[name]


def _mongo_command() -> list[str]:
    command = _service(MONGO_SERVICE).get("command")
    assert command, "mongo must override its command to run as a replica set"
    if isinstance(command, str):
        return shlex.split(command)
    assert isinstance(command, list), "mongo command must be a string or a list"
    return [str(part) for part in command]


def _command_option(command: list[str], option: str) -> str | None:
    for index, part in enumerate(command):
        if part == option and index + 1 < len(command):
            return command[index + 1]
        if part.startswith(option + "="):
            return part.split("=", 1)[1]
    return None


def _replica_set_from_command() -> str:
    name = _command_option(_mongo_command(), "--replSet")
    assert name, "mongo command must pass --replSet <name>"
    return name


def _healthcheck_test(service: str) -> str:
    healthcheck = _mapping(_service(service).get("healthcheck"), f"{service} healthcheck")
    assert not healthcheck.get("disable", False), f"{service} healthcheck is disabled"
    test = healthcheck.get("test")
    assert test, f"{service} healthcheck has no test"
    if isinstance(test, str):
        return test
    assert isinstance(test, list), f"{service} healthcheck test must be a string or a list"
    parts = [str(part) for part in test]
    assert parts[0] in {"CMD", "CMD-SHELL"}, f"{service} healthcheck test must start with CMD"
    return " ".join(parts[1:])


def _mongo_uri() -> tuple[str, str | None, int | None, dict[str, list[str]]]:
    uri = urlsplit(_api_env("MONGODB_URI"))
    return uri.scheme, uri.hostname, uri.port, parse_qs(uri.query)


def _container_port(mapping: object) -> str:
    """Container side of a Compose port entry: short ("[ip:][host:]container[/proto]") or long."""
    if isinstance(mapping, dict):
        return _scalar(mapping.get("target"))
    return str(mapping).rsplit(":", 1)[-1].split("/", 1)[0]


@cache
def _dockerfile_final_stage() -> tuple[tuple[str, str], ...]:
    """(INSTRUCTION, arguments) of the last build stage, continuation lines joined."""
    assert DOCKERFILE.is_file(), f"{DOCKERFILE} is missing"
    logical: list[str] = []
    pending = ""
    for line in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        logical.append(pending + stripped)
        pending = ""
    if pending:
        logical.append(pending)

    stage: list[tuple[str, str]] = []
    for entry in logical:
        instruction, _, arguments = entry.partition(" ")
        if instruction.upper() == "FROM":
            stage = []
        stage.append((instruction.upper(), arguments.strip()))
    assert stage, "Dockerfile has no instructions"
    return tuple(stage)


def _dockerfile_args(instruction: str) -> list[str]:
    return [args for name, args in _dockerfile_final_stage() if name == instruction]


def _dockerfile_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for arguments in _dockerfile_args("ENV"):
        words = shlex.split(arguments)
        if words and "=" not in words[0]:  # legacy form: ENV KEY value with spaces
            env[words[0]] = " ".join(words[1:])
            continue
        for word in words:
            key, _, value = word.partition("=")
            env[key] = value
    return env


def _api_container_port() -> str:
    env = _api_environment()
    if "PORT" in env:
        return env["PORT"]
    image_env = _dockerfile_env()
    assert "PORT" in image_env, "neither compose nor the Dockerfile sets PORT"
    return image_env["PORT"]


# --------------------------------------------------------------------------- compose: mongo


def test_compose_uses_spec_without_version_key() -> None:
    assert "version" not in _compose(), "the Compose spec has no top-level `version:` key"


def test_services_mongo_and_api_exist() -> None:
    services = _mapping(_compose().get("services"), "services")
    assert {MONGO_SERVICE, API_SERVICE} <= services.keys()


def test_mongo_image_is_official_major_7_or_8() -> None:
    image = str(_service(MONGO_SERVICE).get("image", ""))
    match = _OFFICIAL_MONGO_IMAGE.fullmatch(image)
    assert match, f"mongo image {image!r} is not the official `mongo:<version>` image"
    assert int(match["major"]) in {7, 8}, f"mongo image {image!r} must be major version 7 or 8"


def test_mongo_runs_as_replica_set() -> None:
    command = _mongo_command()
    assert _replica_set_from_command()
    assert "--bind_ip_all" in command or _command_option(command, "--bind_ip") == "0.0.0.0"


def test_replica_set_name_is_consistent() -> None:
    name = _replica_set_from_command()
    _, _, _, query = _mongo_uri()
    assert query.get("replicaSet") == [name], "MONGODB_URI replicaSet differs from --replSet"
    initiated = _INITIATE_SET_NAME.search(_healthcheck_test(MONGO_SERVICE))
    assert initiated, "mongo healthcheck must initiate the replica set (rs.initiate({_id: ...}))"
    assert initiated["name"] == name, "rs.initiate _id differs from --replSet"


def test_replica_set_member_host_is_the_mongo_service() -> None:
    member = _INITIATE_MEMBER_HOST.search(_healthcheck_test(MONGO_SERVICE))
    assert member, "rs.initiate must list a member host"
    assert member["host"] == MONGO_SERVICE
    expected_port = _command_option(_mongo_command(), "--port") or str(MONGO_DEFAULT_PORT)
    assert (member["port"] or str(MONGO_DEFAULT_PORT)) == expected_port


def test_mongo_has_healthcheck() -> None:
    test = _healthcheck_test(MONGO_SERVICE)
    assert "mongosh" in test
    assert "rs.initiate" in test


def test_mongo_data_is_a_declared_named_volume() -> None:
    declared = _mapping(_compose().get("volumes"), "top-level volumes")
    sources: list[str] = []
    for mount in _service(MONGO_SERVICE).get("volumes", []):
        if isinstance(mount, dict):
            if mount.get("target") == MONGO_DATA_DIR and mount.get("type", "volume") == "volume":
                sources.append(str(mount.get("source", "")))
        else:
            parts = str(mount).split(":")
            if len(parts) >= 2 and parts[1] == MONGO_DATA_DIR:
                sources.append(parts[0])
    assert sources, f"no named volume is mounted at {MONGO_DATA_DIR}"
    for source in sources:
        assert not source.startswith((".", "/", "~")), f"{source!r} is a bind mount"
        assert source in declared, f"volume {source!r} is not declared at top level"


# --------------------------------------------------------------------------- compose: api


def test_api_builds_from_project_dockerfile_running_python_m_api() -> None:
    build = _service(API_SERVICE).get("build")
    if isinstance(build, dict):
        context = str(build.get("context", "."))
        dockerfile = str(build.get("dockerfile", "Dockerfile"))
    else:
        context, dockerfile = str(build), "Dockerfile"
    assert context in {".", "./"}, f"api must build from the project root, not {context!r}"
    assert (ROOT / dockerfile).resolve() == DOCKERFILE
    commands = _dockerfile_args("CMD")
    assert commands, "Dockerfile has no CMD"
    assert json.loads(commands[-1]) == ["python", "-m", "api"]


def test_api_waits_for_healthy_mongo() -> None:
    depends_on = _mapping(_service(API_SERVICE).get("depends_on"), "api depends_on")
    assert MONGO_SERVICE in depends_on
    condition = _mapping(depends_on[MONGO_SERVICE], "api depends_on mongo")
    assert condition.get("condition") == "service_healthy"


def test_api_mongodb_uri_targets_the_mongo_service() -> None:
    scheme, host, port, _ = _mongo_uri()
    assert scheme == "mongodb"
    assert host == MONGO_SERVICE
    assert port in {None, MONGO_DEFAULT_PORT}


def test_api_seeds_on_start(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _settings_of(_api_environment(), monkeypatch).seed_on_start is True


def test_api_serves_graphiql_and_introspection_unless_switched_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The guide: GraphiQL and introspection are a product, on by default in
    # docker-compose.yml too (GraphiQL's docs panel needs introspection); an operator
    # may switch them off.
    served = _settings_of(_api_environment(), monkeypatch)
    assert served.graphiql is True
    assert served.introspection is True
    off = {"GRAPHIQL": "false", "INTROSPECTION": "false"}
    switched_off = _settings_of(_api_environment(off), monkeypatch)
    assert switched_off.graphiql is False
    assert switched_off.introspection is False


def test_the_admin_key_secret_comes_only_from_the_operator(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert _settings_of(_api_environment(), monkeypatch).admin_api_key is None
    secret = "s" * 40
    given = _settings_of(_api_environment({"ADMIN_API_KEY": secret}), monkeypatch)
    assert given.admin_api_key is not None
    assert given.admin_api_key.get_secret_value() == secret
    assert _settings_of(_api_environment(), monkeypatch).reads_require_key is False


def test_api_listens_on_all_interfaces() -> None:
    host = _api_environment().get("HOST") or _dockerfile_env().get("HOST")
    assert host == "0.0.0.0", "inside a container the API must bind 0.0.0.0"


def test_api_port_mapping_exposes_container_port() -> None:
    port = _api_container_port()
    published = [_container_port(mapping) for mapping in _service(API_SERVICE).get("ports", [])]
    assert port in published, f"api ports {published} do not publish container port {port}"


def test_dockerfile_exposes_container_port() -> None:
    exposed = {
        word.split("/", 1)[0]
        for arguments in _dockerfile_args("EXPOSE")
        for word in arguments.split()
    }
    assert _api_container_port() in exposed


def test_api_has_readiness_healthcheck() -> None:
    assert "/readyz" in _healthcheck_test(API_SERVICE)


def test_api_env_names_are_documented_settings() -> None:
    undocumented = _api_environment().keys() - DOCUMENTED_SETTINGS
    assert not undocumented, f"api sets unknown settings: {sorted(undocumented)}"


def test_settings_are_read_under_their_field_names(monkeypatch: pytest.MonkeyPatch) -> None:
    """What DOCUMENTED_SETTINGS assumes: each field is read from its upper-cased name."""
    assert Settings.model_config.get("env_prefix", "") == ""
    for name, field in Settings.model_fields.items():
        assert field.alias is None, name
        assert field.validation_alias is None, name
    assert _settings_of({"LOG_LEVEL": "warning"}, monkeypatch).log_level == "warning"


def test_api_env_values_are_valid_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = _settings_of(_api_environment(), monkeypatch)
    for name, value in _api_environment().items():
        field = name.lower()
        assert field in Settings.model_fields, name
        assert field in settings.model_fields_set, f"{name}={value!r} was not read"


# --------------------------------------------------------------------------- Dockerfile


def test_dockerfile_runs_as_non_root() -> None:
    users = _dockerfile_args("USER")
    assert users, "Dockerfile must switch to a non-root USER"
    user = users[-1].split(":", 1)[0]
    assert user not in {"root", "0"}
