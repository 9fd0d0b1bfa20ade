"""One TOML file for the hub, the gateway and the console: every command-line flag is a key.

    [hub]
    host = "0.0.0.0"
    port = 8765
    db = "sqlite:////var/lib/duty-console/hub.db"
    tls_cert = "/etc/duty-console/hub.crt"
    nats_password_file = "/etc/duty-console/secrets/nats-password"

    [gateway]
    site = "/var/lib/duty-console/site"

    [console]
    url = "wss://hub.example:8765"
    token_file = "~/.config/duty-console/token"

A section's keys are the long flags of its sub-command with the dashes as underscores
(`--tls-cert` is `tls_cert`, a switch such as `--no-field` takes `true`/`false`). They are
read off the sub-command's own argparse parser, so a new flag is a new key without a second
list to keep. `demo` reads `[hub]` and `[console]`.

Which value wins: a flag on the command line, then a secret's environment variable, then
the file, then the built-in default. Secrets (`SECRETS`) need never be written inline:
`<key>_file = PATH` reads the value from a file (its first line; a relative PATH is taken
from the config file's folder), or the environment variable named in `SECRETS` holds it
(systemd's `EnvironmentFile=`). An inline secret in a file others may read, a secret file
others may read, and a world-readable key or tokens file are warned about, never refused:
the operator decides, the program says it.

`duty-console config check FILE` prints each problem as `FILE:LINE: [section] key: what`.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

#: section -> the sub-commands whose flags it sets
SECTIONS: dict[str, tuple[str, ...]] = {"hub": ("hub", "demo"), "gateway": ("gateway",), "console": ("console", "demo")}
#: section -> secret key -> the environment variable that may hold it instead
SECRETS: dict[str, dict[str, str]] = {
    "hub": {"nats_password": "DUTY_NATS_PASSWORD", "nats_token": "DUTY_NATS_TOKEN"},
    "gateway": {"hub_token": "DUTY_HUB_TOKEN"},
    "console": {"token": "DUTY_TOKEN"},
}
#: keys naming a file that holds secrets (keys, tokens): warned about when others may read it
SECRET_FILES = {"tokens", "field_tokens", "tls_key", "audit_key", "nats_tls_key"}
#: keys naming a file or folder that must exist when the program starts
MUST_EXIST = {"tokens", "field_tokens", "tls_cert", "tls_key", "audit_key", "nats_tls_ca", "nats_tls_cert",
              "nats_tls_key", "site", "drill", "basemap", "ca"}
#: flags that are not keys (the file itself; help)
NOT_KEYS = {"config", "help"}
_FILE_SUFFIX = "_file"


class ConfigFileError(ValueError):
    """A config file that cannot be used; `problems` holds one `FILE:LINE: ...` line each."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Checked:
    """What reading a config file found: values per section, errors and warnings as lines."""

    path: Path
    values: dict[str, dict[str, object]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def key_of(action: argparse.Action) -> str | None:
    """The config key of a flag (its first long option, dashes as underscores), or None."""
    longs = [o for o in action.option_strings if o.startswith("--")]
    if not longs:
        return None
    key = longs[0][2:].replace("-", "_")
    return None if key in NOT_KEYS else key


def keys_of(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    """Every config key a sub-command's parser knows, with the flag it stands for."""
    return {k: a for a in parser._actions if (k := key_of(a)) is not None}


def locate(text: str) -> dict[tuple[str, str], int]:
    """Line numbers (1-based) of `[section]` headers (key "") and `key = value` lines.

    TOML's reader gives no positions; this scan covers what a config file holds (tables and
    plain keys), skipping the insides of multi-line strings and arrays.
    """
    where: dict[tuple[str, str], int] = {}
    section = ""
    quote = None
    depth = 0
    for n, line in enumerate(text.splitlines(), 1):
        if quote is not None:
            if quote in line:
                quote = None
            continue
        stripped = line.strip()
        if depth > 0:
            depth += stripped.count("[") - stripped.count("]")
            continue
        if m := re.match(r"\[\s*([A-Za-z0-9_.\"-]+)\s*\]\s*(#.*)?$", stripped):
            section = m.group(1).strip('"')
            where.setdefault((section, ""), n)
            continue
        if m := re.match(r"([A-Za-z0-9_\"-]+)\s*=\s*(.*)$", stripped):
            where.setdefault((section, m.group(1).strip('"')), n)
            rest = m.group(2)
            for q in ('"""', "'''"):
                if rest.count(q) == 1:
                    quote = q
            if rest.startswith("["):
                depth = rest.count("[") - rest.count("]")
    return where


def _world_readable(path: Path) -> bool:
    try:
        return bool(path.stat().st_mode & stat.S_IROTH)
    except OSError:
        return False


def _convert(action: argparse.Action, value: object) -> tuple[object, str | None]:
    """The value as the flag would give it, or an error naming what the key wants."""
    if action.nargs == 0:  # a switch
        if not isinstance(value, bool):
            return None, "wants true or false"
        const = action.const if action.const is not None else True
        return (const if value else action.default), None
    if isinstance(value, list) and "," in str(action.metavar or ""):  # a comma list flag: an array is fine
        if not all(isinstance(v, str) for v in value):
            return None, "wants an array of strings"
        value = ",".join(value)
    kind = action.type
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            return None, "wants a whole number"
    elif kind is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return None, "wants a number"
        value = float(value)
    elif not isinstance(value, str):
        return None, "wants a string"
    if action.choices is not None and value not in action.choices:
        return None, f"wants one of {', '.join(map(str, action.choices))}"
    return value, None


def check_file(path: str | os.PathLike, parsers: dict[str, argparse.ArgumentParser],
               *, sections: tuple[str, ...] | None = None) -> Checked:
    """Read and check a config file against the sub-commands' parsers (`sub.choices`).

    `sections`: check only these (a sub-command reading its own); None: every section.
    Nothing is raised: every problem is a line in `errors` or `warnings`.
    """
    path = Path(path)
    out = Checked(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        out.errors.append(f"{path}: cannot read: {getattr(exc, 'strerror', None) or exc}")
        return out
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:  # its message ends "(at line N, column M)"
        m = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        line = m.group(1) if m else "1"
        out.errors.append(f"{path}:{line}: not TOML: {str(exc).split(' (at line')[0]}")
        return out
    where = locate(text)
    others_read = _world_readable(path)

    def at(section: str, key: str = "") -> str:
        return f"{path}:{where.get((section, key), where.get((section, ''), 1))}"

    for section, body in doc.items():
        if section not in SECTIONS:
            hint = difflib.get_close_matches(section, SECTIONS, n=1)
            out.errors.append(f"{at(section)}: [{section}]: unknown section"
                              + (f" (did you mean [{hint[0]}]?)" if hint else f" (known: {', '.join(SECTIONS)})"))
            continue
        if sections is not None and section not in sections:
            continue
        if not isinstance(body, dict):
            out.errors.append(f"{at(section)}: {section}: a section, written [{section}], not a value")
            continue
        primary = SECTIONS[section][0]  # `demo` takes both sections' keys; each section is its own command's
        known = keys_of(parsers[primary]) if primary in parsers else {}
        secrets = SECRETS.get(section, {})
        values = out.values.setdefault(section, {})
        for key, value in body.items():
            where_ = f"{at(section, key)}: [{section}] {key}"
            if key.endswith(_FILE_SUFFIX) and key[: -len(_FILE_SUFFIX)] in secrets:
                name = key[: -len(_FILE_SUFFIX)]
                if not isinstance(value, str):
                    out.errors.append(f"{where_}: wants the path of a file holding the {name}")
                    continue
                secret = (path.parent / Path(value).expanduser())
                try:
                    lines = secret.read_text(encoding="utf-8").splitlines()
                except (OSError, UnicodeDecodeError) as exc:
                    out.errors.append(f"{where_}: cannot read {secret}: {getattr(exc, 'strerror', None) or exc}")
                    continue
                if not lines or not lines[0].strip():
                    out.errors.append(f"{where_}: {secret} is empty")
                    continue
                if _world_readable(secret):
                    out.warnings.append(f"{where_}: {secret} can be read by every user of this machine "
                                        f"(chmod 600 it, or 640 with the service's group)")
                if name in body:
                    out.errors.append(f"{where_}: give {name} or {key}, not both")
                    continue
                values[name] = lines[0].strip()
                continue
            action = known.get(key)
            if action is None:
                hint = difflib.get_close_matches(key, known, n=1)
                out.errors.append(f"{where_}: unknown key" + (f" (did you mean {hint[0]}?)" if hint else ""))
                continue
            converted, problem = _convert(action, value)
            if problem is not None:
                out.errors.append(f"{where_}: {problem}, not {value!r}")
                continue
            if key in secrets and others_read:
                out.warnings.append(f"{where_}: a secret written inline in a file every user may read; "
                                    f"use {key}{_FILE_SUFFIX} = PATH or ${secrets[key]} instead")
            if key in MUST_EXIST and isinstance(converted, str) and converted:
                target = Path(converted).expanduser()
                if not target.exists():
                    out.errors.append(f"{where_}: {target} does not exist")
                    continue
                if key in SECRET_FILES and target.is_file() and _world_readable(target):
                    out.warnings.append(f"{where_}: {target} can be read by every user of this machine")
            values[key] = converted
    return out


def config_path(argv: list[str]) -> str | None:
    """The value of `--config FILE` (or `--config=FILE`) in an argument list, or None."""
    for i, arg in enumerate(argv):
        if arg == "--config" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--config="):
            return arg.split("=", 1)[1]
    return None


def apply_config(command: str, argv: list[str], parsers: dict[str, argparse.ArgumentParser]) -> list[str]:
    """Make a sub-command's defaults the config file's values (flags given still win); returns warnings.

    Secrets in the environment (`SECRETS`) win over the file, with or without one.
    Raises ConfigFileError naming every bad key by line; nothing is applied then.
    """
    parser = parsers.get(command)
    sections = tuple(s for s, commands in SECTIONS.items() if command in commands)
    if parser is None or not sections:
        return []
    path = config_path(argv)
    checked = check_file(path, parsers, sections=sections) if path else None
    if checked is not None and checked.errors:
        raise ConfigFileError(checked.errors)
    known = keys_of(parser)
    defaults: dict[str, object] = {}
    for section in sections:
        values = checked.values.get(section, {}) if checked else {}
        for key, value in values.items():
            if key in known:
                defaults[known[key].dest] = value
        for key, env in SECRETS[section].items():
            if key in known and os.environ.get(env):
                defaults[known[key].dest] = os.environ[env]
    for action in parser._actions:  # a required flag the file gives is no longer required
        if action.dest in defaults and action.required:
            action.required = False
    parser.set_defaults(**defaults)
    return checked.warnings if checked else []
