"""Check the production image's files without Docker: can the product start from them?

Builds the list of files the Dockerfile's COPY instructions put into the image (the build
context less `.dockerignore`, as Docker reads it), copies exactly those files into a temporary
directory at the image's WORKDIR, and from there, with this Python (no new installs), the
Dockerfile's DJANGO_SETTINGS_MODULE and dummy secrets:

1. every app in INSTALLED_APPS that is a package of this project must be among the files, and
   must be imported from them, not from the project;
2. `manage.py check --deploy --fail-level WARNING`;
3. every template and every guide under docs/ the project has must load, and
   `collectstatic` (what docker-compose's web service runs first) must succeed.

Usage: python .ci/check_image.py [--dockerfile PATH] [--dockerignore PATH] [--keep]
Exit status 0 when all pass, 1 with the reasons otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent


# --- .dockerignore ---------------------------------------------------------------------------


@dataclass(frozen=True)
class IgnoreRule:
    pattern: str
    regex: re.Pattern[str]
    exception: bool  # a `!pattern` line: put back what an earlier line left out


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    """Docker's pattern syntax (Go's filepath.Match, plus `**` for any number of directories)."""
    out = "^"
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "*":
            if pattern[index + 1 : index + 2] == "*":
                index += 1
                if pattern[index + 1 : index + 2] == "/":
                    index += 1
                out += ".*" if index + 1 >= len(pattern) else "(.*/)?"
            else:
                out += "[^/]*"
        elif char == "?":
            out += "[^/]"
        elif char == "\\" and index + 1 < len(pattern):
            index += 1
            out += re.escape(pattern[index])
        elif char == "[":
            end = pattern.find("]", index + 1)
            if end == -1:
                out += re.escape(char)
            else:
                body = pattern[index + 1 : end].replace("\\", "\\\\")
                out += "[" + ("^" + body[1:] if body.startswith("^") else body) + "]"
                index = end
        else:
            out += re.escape(char)
        index += 1
    return re.compile(out + "$")


def ignore_rules(text: str) -> list[IgnoreRule]:
    rules = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        exception = line.startswith("!")
        pattern = line[1:].strip() if exception else line
        pattern = os.path.normpath(pattern).lstrip("/")
        if pattern in ("", "."):
            continue
        rules.append(IgnoreRule(pattern, _pattern_regex(pattern), exception))
    return rules


def is_ignored(path: str, rules: list[IgnoreRule]) -> bool:
    """Whether Docker leaves `path` (relative, with /) out of the context: the last rule that
    matches the path or one of its parent directories decides."""
    parents = [str(p) for p in PurePosixPath(path).parents if str(p) != "."]
    candidates = [path, *parents]
    ignored = False
    for rule in rules:
        if any(rule.regex.match(candidate) for candidate in candidates):
            ignored = not rule.exception
    return ignored


def context_files(root: Path, rules: list[IgnoreRule]) -> list[str]:
    """The build context: every file under `root` that .dockerignore does not leave out."""
    has_exceptions = any(rule.exception for rule in rules)
    files = []
    for directory, subdirectories, names in os.walk(root):
        relative = Path(directory).relative_to(root).as_posix()
        prefix = "" if relative == "." else relative + "/"
        if not has_exceptions:  # nothing can be put back beneath a left-out directory
            subdirectories[:] = [d for d in subdirectories if not is_ignored(prefix + d, rules)]
        subdirectories.sort()
        for name in sorted(names):
            if not is_ignored(prefix + name, rules):
                files.append(prefix + name)
    return files


# --- Dockerfile ------------------------------------------------------------------------------


@dataclass
class Image:
    workdir: str = "/"
    env: dict[str, str] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # path in the image -> path in context


def _instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    instructions = []
    current = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not current and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        current += line
        keyword, _, arguments = current.partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
        current = ""
    return instructions


def _env_pairs(arguments: str) -> dict[str, str]:
    words = shlex.split(arguments)
    if len(words) >= 2 and "=" not in words[0]:  # the old form: ENV KEY value with spaces
        return {words[0]: " ".join(words[1:])}
    return dict(word.split("=", 1) for word in words)


def image_files(dockerfile: str, context: list[str]) -> Image:
    """What the Dockerfile's COPY and ADD instructions put into the image from the context."""
    image = Image()
    for keyword, arguments in _instructions(dockerfile):
        if keyword == "FROM":
            image = Image()  # only the last stage is the image that runs
        elif keyword == "WORKDIR":
            image.workdir = str(PurePosixPath(image.workdir) / arguments)
        elif keyword == "ENV":
            image.env.update(_env_pairs(arguments))
        elif keyword in ("COPY", "ADD"):
            words = json.loads(arguments) if arguments.startswith("[") else shlex.split(arguments)
            flags = [w for w in words if w.startswith("--")]
            paths = [w for w in words if not w.startswith("--")]
            if any(flag.startswith("--from") for flag in flags):
                continue  # from another stage or image, not from the project
            *sources, destination = paths
            target = PurePosixPath(image.workdir) / destination
            into_directory = destination.endswith("/") or len(sources) > 1
            for source in sources:
                _copy(image, source, target, into_directory, context)
    return image


def _copy(image: Image, source: str, target: PurePosixPath, into: bool, context: list[str]):
    source = os.path.normpath(source).lstrip("/")
    pattern = _pattern_regex(source)
    matched = False
    for path in context:
        if source == "." or pattern.match(path):
            if source == ".":
                image.files[str(target / path)] = path
            else:
                image.files[str(target / PurePosixPath(path).name if into else target)] = path
            matched = True
            continue
        for prefix in _directory_prefixes(path):
            if pattern.match(prefix):
                # A directory: its contents go into the target, not the directory itself.
                image.files[str(target / PurePosixPath(path).relative_to(prefix))] = path
                matched = True
                break
    if not matched:
        raise SystemExit(f"COPY {source}: no such file or directory in the build context")


def _directory_prefixes(path: str) -> list[str]:
    parts = PurePosixPath(path).parts[:-1]
    return ["/".join(parts[: n + 1]) for n in range(len(parts))]


# --- The checks ------------------------------------------------------------------------------


def _env(image: Image, base: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTHONPATH", "DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(image.env)
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
    env.update(
        SECRET_KEY="image-check-" + secrets.token_urlsafe(50),
        ALLOWED_HOSTS="sen.example.gov.uk",
        CSRF_TRUSTED_ORIGINS="https://sen.example.gov.uk",
        STATIC_ROOT=str(base / "staticfiles"),
        MEDIA_ROOT=str(base / "media"),
        PYTHONDONTWRITEBYTECODE="1",
        # What production is deployed with, whatever the caller's shell says (a developer's
        # SECURE_SSL_REDIRECT=False for plain http on loopback would fail check --deploy).
        SECURE_SSL_REDIRECT="True",
        DEBUG="False",
    )
    return env


def _installed_apps(env: dict[str, str]) -> list[str]:
    """INSTALLED_APPS as the project's settings name them (read from the project itself)."""
    script = (
        "import json; from django.conf import settings; print(json.dumps(settings.INSTALLED_APPS))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise SystemExit(f"Could not read INSTALLED_APPS:\n{result.stderr}")
    return json.loads(result.stdout)


# Run inside the image's files: every local app imported from there, every template and guide
# loads. Prints one line per problem.
INSIDE_THE_IMAGE = """
import json, sys
from pathlib import Path
import django
django.setup()
from django.apps import apps
from django.template.loader import get_template
from core.docs import guide_html

here = Path.cwd().resolve()
local, templates, guides = json.loads(sys.argv[1])
for config in apps.get_app_configs():
    if config.name.split(".")[0] in local and not Path(config.path).resolve().is_relative_to(here):
        print(f"app {config.name} was imported from {config.path}, not from the image")
for name in templates:
    try:
        get_template(name)
    except Exception as error:
        print(f"template {name}: {type(error).__name__}: {error}")
for name in guides:
    try:
        guide_html(name)
    except Exception as error:
        print(f"guide docs/{name}.md: {type(error).__name__}: {error}")
"""


def _project_templates() -> list[str]:
    """Every template the project has: templates/ and each app's templates/ directory."""
    names = set()
    for directory in [ROOT / "templates", *ROOT.glob("*/templates")]:
        if directory.parts[-2] in {"tests", ".venv", "node_modules"}:
            continue
        names.update(p.relative_to(directory).as_posix() for p in directory.rglob("*.html"))
    return sorted(names)


def check(dockerfile_path: Path, dockerignore_path: Path, keep: bool) -> list[str]:
    rules = ignore_rules(dockerignore_path.read_text() if dockerignore_path.is_file() else "")
    image = image_files(dockerfile_path.read_text(), context_files(ROOT, rules))
    workdir = image.workdir.lstrip("/")
    in_workdir = {
        str(PurePosixPath(path).relative_to("/" + workdir)): source
        for path, source in image.files.items()
        if PurePosixPath(path).is_relative_to("/" + workdir)
    }
    tops = sorted({PurePosixPath(p).parts[0] for p in in_workdir})
    print(f"The image holds {len(image.files)} files from the project; in {image.workdir}: {tops}")

    base = Path(tempfile.mkdtemp(prefix="image-check-"))
    try:
        for path, source in image.files.items():
            destination = base / path.lstrip("/")
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / source, destination)
        app_dir = base / workdir
        env = _env(image, base)
        problems = []

        installed = _installed_apps(env)
        local = sorted(
            {name.split(".")[0] for name in installed if (ROOT / name.split(".")[0]).is_dir()}
        )
        missing = [app for app in local if f"{app}/__init__.py" not in in_workdir]
        if missing:
            problems.append(
                "INSTALLED_APPS names these packages of the project, but the image does not hold "
                f"them: {', '.join(missing)} (No module named {missing[0]!r} at start-up)"
            )
        print(f"Local apps in INSTALLED_APPS: {', '.join(local)}")

        if "manage.py" not in in_workdir:
            return [*problems, f"manage.py is not in the image's WORKDIR {image.workdir}"]
        steps = [
            ("check --deploy", ["manage.py", "check", "--deploy", "--fail-level", "WARNING"]),
            ("collectstatic", ["manage.py", "collectstatic", "--noinput", "-v", "0"]),
        ]
        for name, arguments in steps:
            print(f"--- {name}", flush=True)
            result = subprocess.run([sys.executable, *arguments], cwd=app_dir, env=env)
            if result.returncode != 0:
                problems.append(f"{name} failed from the image's files (exit {result.returncode})")
                if name == "check --deploy":
                    return problems  # Django does not start: the rest cannot run

        guides = sorted(p.stem for p in (ROOT / "docs").glob("*.md"))
        templates = _project_templates()
        print(f"--- loading {len(templates)} templates and {len(guides)} guides", flush=True)
        payload = json.dumps([local, templates, guides])
        result = subprocess.run(
            [sys.executable, "-c", INSIDE_THE_IMAGE, payload],
            cwd=app_dir,
            env=env,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            problems.append(f"Django could not start from the image's files:\n{result.stderr}")
        problems += [line for line in result.stdout.splitlines() if line.strip()]
        return problems
    finally:
        if keep:
            print(f"Kept the image's files in {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dockerfile", type=Path, default=ROOT / "Dockerfile")
    parser.add_argument("--dockerignore", type=Path, default=ROOT / ".dockerignore")
    parser.add_argument("--keep", action="store_true", help="keep the temporary copy")
    options = parser.parse_args()
    problems = check(options.dockerfile, options.dockerignore, options.keep)
    if problems:
        print("\nThe image would not run:", *problems, sep="\n- ", file=sys.stderr)
        return 1
    print("The image's files pass: every local app is there and check --deploy is clean.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
