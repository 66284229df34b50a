#!/usr/bin/env python3
"""Generate a deterministic synthetic Python monorepo for benchmarking uuid-migrate.

The tree is shaped like the monorepo the tool was written for (see SPEC.md, "Speed"): services
under ``services/<svc>/`` with their own ``tests/``, a ``shared/`` library, top-level ``tests/`` and
``scripts/``. About 20% of the files mention ``uuid4``; the call sites follow the real mix (63%
f-strings, mostly ``f"test_user_{uuid.uuid4().hex[:8]}"`` in dense test files, 35%
``str(uuid.uuid4())``, 2% bare objects and references; 96% in test code), bound through
``import uuid``, ``from uuid import uuid4`` and aliases. Text that mentions ``uuid4`` inside
strings, comments and docstrings, mock attributes (``mock_uuid.uuid4``) and ``uuid.uuid1()`` are
included as non-sites. A few files are very large (2-5 MB) and a few are comment-heavy (thousands
of indented comment lines quoting old ``uuid.uuid4()`` code).

Same arguments, same bytes: everything is drawn from ``random.Random`` seeded with the seed and the
file's path. Pure standard library, no network.

The expected sites (as the generator wrote them) are recorded in ``OUT_DIR/.bench-manifest.json``
(a hidden file, so walkers that skip hidden files never see it). ``--verify`` re-counts the sites
with Python's ``ast`` module and compares, and checks that every file compiles.

Usage: python3 bench/gen_monorepo.py OUT_DIR [--files 9000] [--seed 1] [--plain-scale 1] [--force] [--verify]
"""

from __future__ import annotations

import argparse
import ast
import json
import random
import shutil
import sys
import time
from collections import Counter
from pathlib import Path

MANIFEST = ".bench-manifest.json"

# --------------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------------

SERVICES = [
    "auth_service",
    "backend",
    "analytics_service",
    "agent_runtime",
    "websocket_gateway",
    "notification_service",
    "billing_service",
    "data_pipeline",
]
APP_SUBPACKAGES = [
    "api",
    "core",
    "models",
    "services",
    "schemas",
    "db",
    "utils",
    "handlers",
    "websocket",
    "agents",
    "middleware",
    "clients",
]
TEST_SUBDIRS = [
    "unit",
    "unit/core",
    "unit/models",
    "unit/websocket",
    "unit/agents",
    "integration",
    "integration/api",
    "e2e",
]
SHARED_PACKAGES = [
    "id_generation",
    "logging",
    "config",
    "database",
    "types",
    "isolation",
    "messaging",
    "metrics",
    "security",
    "utils",
]
TOP_TEST_DIRS = [
    "e2e",
    "e2e/journeys",
    "integration",
    "integration/websocket",
    "mission_critical",
    "performance",
    "regression",
]

NOUNS = [
    "user",
    "thread",
    "message",
    "connection",
    "session",
    "agent",
    "tool",
    "run",
    "event",
    "request",
    "trace",
    "workflow",
    "tenant",
    "organization",
    "document",
    "report",
    "invoice",
    "subscription",
    "notification",
    "channel",
    "payload",
    "metric",
    "execution",
    "context",
    "pipeline",
    "job",
    "task",
    "webhook",
    "artifact",
    "dataset",
    "quota",
    "audit",
    "cache",
    "profile",
    "permission",
    "role",
    "account",
    "deployment",
    "snapshot",
    "batch",
]
VERBS = [
    "create",
    "update",
    "delete",
    "fetch",
    "process",
    "validate",
    "handle",
    "dispatch",
    "resolve",
    "serialize",
    "sync",
    "register",
    "refresh",
    "publish",
    "route",
    "emit",
    "load",
    "store",
    "compute",
    "normalize",
    "archive",
    "merge",
    "enqueue",
    "reconcile",
]
ROLES = [
    "Service",
    "Manager",
    "Repository",
    "Handler",
    "Registry",
    "Client",
    "Coordinator",
    "Factory",
    "Validator",
    "Router",
    "Tracker",
    "Dispatcher",
    "Store",
    "Bridge",
]
ADJECTIVES = [
    "active",
    "pending",
    "stale",
    "concurrent",
    "isolated",
    "expired",
    "duplicate",
    "invalid",
    "partial",
    "empty",
    "large",
    "unicode",
    "nested",
    "missing",
    "archived",
    "retried",
]
STATUSES = ["pending", "running", "completed", "failed", "cancelled", "retrying", "archived"]
TYPES = ["str", "int", "bool", "float", "Optional[str]", "List[str]", "Dict[str, Any]"]
DEFAULTS = {
    "str": '""',
    "int": "0",
    "bool": "False",
    "float": "0.0",
    "Optional[str]": "None",
    "List[str]": "Field(default_factory=list)",
    "Dict[str, Any]": "Field(default_factory=dict)",
}
SENTENCES = [
    "Keeps per-user state isolated so concurrent requests never share mutable data.",
    "The caller owns the returned object; it is safe to mutate.",
    "Raises a validation error when the payload is missing required keys.",
    "This path is hot: avoid allocations inside the loop.",
    "Retries are bounded; the last error is re-raised to the caller.",
    "Values are normalised to lower case before they are compared.",
    "Used by the websocket bridge to route events to the right connection.",
    "Falls back to the default configuration when the environment is not set.",
    "Results are ordered by creation time, oldest first.",
    "The cache entry expires after the configured TTL.",
    "Only administrators may call this; permissions are checked upstream.",
    "Emits a metric for every processed item so dashboards stay accurate.",
]


def cap(word: str) -> str:
    return word[:1].upper() + word[1:]


def camel(*words: str) -> str:
    return "".join(cap(w) for w in words)


# --------------------------------------------------------------------------------------------
# Bindings: how a file spells uuid.uuid4
# --------------------------------------------------------------------------------------------

# (import lines, call expression, reference expression, weight)
BINDINGS = {
    "module": (["import uuid"], "uuid.uuid4()", "uuid.uuid4", 74),
    "from": (["from uuid import uuid4"], "uuid4()", "uuid4", 16),
    "module_alias": (["import uuid as _uuid"], "_uuid.uuid4()", "_uuid.uuid4", 4),
    "from_alias": (["from uuid import uuid4 as new_uuid"], "new_uuid()", "new_uuid", 3),
    # `import uuid` inside each function that uses it instead of at module level
    "local": ([], "uuid.uuid4()", "uuid.uuid4", 3),
}


def pick_binding(rng: random.Random) -> str:
    names = list(BINDINGS)
    return rng.choices(names, weights=[BINDINGS[n][3] for n in names])[0]


# --------------------------------------------------------------------------------------------
# Site templates. @U@ is the uuid4 call, @R@ the uncalled reference, @V@ the variable name.
# Each template: (lines, shapes of its sites in order, variable name or None, weight).
# Shapes follow the spec: fstring, string, truncated, hex, object, reference.
# --------------------------------------------------------------------------------------------

TEST_SITES = [
    # f-strings (~65%)
    ('@V@ = f"test_user_{@U@.hex[:8]}"', ["fstring"], "user_id", 26),
    ('@V@ = f"test_{@U@.hex[:8]}@example.com"', ["fstring"], "email", 5),
    ('@V@ = f"thread_{@U@.hex[:8]}"', ["fstring"], "thread_id", 6),
    ('@V@ = f"conn_{@U@.hex[:8]}"', ["fstring"], "connection_id", 4),
    ('@V@ = f"run_{@U@}"', ["fstring"], "run_id", 4),
    ('@V@ = f"user-{@U@}"', ["fstring"], "session_id", 2),
    ('ts = int(time.time() * 1000)\n@V@ = f"ws_{ts}_{@U@.hex[:8]}"', ["fstring"], "ws_connection_id", 3),
    ('@V@ = UserFactory.build(username=f"test_user_{@U@.hex[:8]}")', ["fstring"], "user", 4),
    ('@V@ = {"message_id": f"msg_{@U@.hex[:8]}", "content": "hello"}', ["fstring"], "message", 3),
    ("@V@ = f'req_{@U@.hex[:8]}'", ["fstring"], "request_id", 3),
    ('@V@ = [f"test_user_{i}_{@U@.hex[:8]}" for i in range(3)]', ["fstring"], "user_ids", 2),
    ('@V@ = f"agent-{@U@.hex[:8]}"', ["fstring"], "agent_name", 1),
    ('@V@ = f"tenant-{str(@U@)[:8]}"', ["fstring"], "tenant_slug", 1),
    ('@V@ = f"test_db_{@U@.hex}"', ["fstring"], "db_name", 1),
    # str(uuid4()) (~33.5%)
    ("@V@ = str(@U@)", ["string"], "message_id", 7),
    ("@V@ = str(@U@)", ["string"], "user_id", 6),
    ("@V@ = str(@U@)", ["string"], "thread_id", 4),
    ('@V@ = {\n    "thread_id": str(@U@),\n    "run_id": str(@U@),\n}', ["string", "string"], "context", 3),
    ('@V@ = RequestContext(request_id=str(@U@), user_id="test-user")', ["string"], "request", 3),
    (
        'event = {"type": "agent_started"}\n@V@ = event.get("message_id") or str(@U@)',
        ["string"],
        "event_id",
        2,
    ),
    ('@V@ = "run_" + str(@U@)', ["string"], "run_id", 2),
    ("@V@ = [str(@U@) for _ in range(5)]", ["string"], "ids", 2),
    (
        "@V@ = UserExecutionContext(\n    user_id=str(@U@),\n    thread_id=str(@U@),\n    run_id=str(@U@),\n)",
        ["string", "string", "string"],
        "state",
        2,
    ),
    # the rest (~1.5%)
    (
        'unique_suffix = @U@.hex[:8]\n@V@ = f"ws_thread_{int(time.time())}_{unique_suffix}"',
        ["truncated"],
        "thread_id",
        0.4,
    ),
    ("@V@ = @U@\nassert @V@.version == 4", ["object"], "correlation", 0.4),
    ("@V@ = str(@U@)[:8]", ["truncated"], "short_id", 0.3),
    ('@V@ = Record(id=@U@, name="fixture")', ["object"], "record", 0.3),
    ("@V@ = @U@.hex", ["hex"], "token", 0.1),
]

# App sites are whole top-level blocks with exactly one site each. {n} is a unique number,
# {noun}/{Noun} a random noun. Weights give ~20% f-strings, ~60% str(), ~20% other shapes.
APP_SITES = [
    (
        "class {Noun}ConnectionInfo(BaseModel):\n"
        '    """Connection metadata kept for the lifetime of a websocket."""\n'
        "\n"
        '    connection_id: str = Field(default_factory=lambda: f"conn_{{@U@.hex[:8]}}")\n'
        "    user_id: str\n"
        "    connected_at: float = Field(default_factory=time.time)\n"
        "    is_active: bool = True\n",
        ["fstring"],
        6,
    ),
    (
        "def generate_{noun}_message_id() -> str:\n"
        '    """Return a new message identifier for the {noun} stream."""\n'
        "    @IMPORT@return str(@U@)\n",
        ["string"],
        9,
    ),
    (
        "class {Noun}RunTracker:\n"
        '    """Tracks which run a {noun} belongs to."""\n'
        "\n"
        "    def __init__(self, context: Any) -> None:\n"
        "        self._context = context\n"
        "\n"
        "    def current_run_id(self) -> str:\n"
        "        @IMPORT@try:\n"
        "            run_id = self._context.run_id\n"
        "        except AttributeError:\n"
        '            logger.warning("context has no run_id, generating a fallback")\n'
        "            run_id = str(@U@)\n"
        "        return run_id\n",
        ["string"],
        7,
    ),
    (
        "async def forward_{noun}_event(event: Dict[str, Any], bridge: Any) -> str:\n"
        '    """Forward an event to the bridge, keeping the client message id when there is one."""\n'
        "    @IMPORT@event_id = event.get('message_id') or str(@U@)\n"
        '    await bridge.send({{"id": event_id, "type": event.get("type", "{noun}")}})\n'
        "    return event_id\n",
        ["string"],
        8,
    ),
    (
        "class {Noun}Request:\n"
        '    """A request envelope with a correlation id."""\n'
        "\n"
        "    def __init__(self, payload: Dict[str, Any], request_id: Optional[str] = None) -> None:\n"
        "        @IMPORT@self.payload = payload\n"
        "        self.request_id = request_id or str(@U@)\n"
        "        self.created_at = time.time()\n",
        ["string"],
        8,
    ),
    ("INSTANCE_ID = str(@U@)\n", ["string"], 2),
    ('WORKER_NAME = f"worker_{{@U@.hex[:8]}}"\n', ["fstring"], 1),
    (
        "class {Noun}Record(Base):\n"
        '    __tablename__ = "{noun}_records"\n'
        "\n"
        "    id = Column(String(36), primary_key=True, default=lambda: str(@U@))\n"
        "    name = Column(String(255), nullable=False)\n"
        "    created_at = Column(DateTime, default=datetime.utcnow)\n",
        ["string"],
        4,
    ),
    (
        "class {Noun}Row(Base):\n"
        '    __tablename__ = "{noun}_rows"\n'
        "\n"
        "    id = Column(PG_UUID(as_uuid=True), primary_key=True, default=@R@)\n"
        "    payload = Column(JSON, nullable=True)\n",
        ["reference"],
        3,
    ),
    (
        "class {Noun}Envelope(BaseModel):\n"
        "    id: UUID = Field(default_factory=@R@)\n"
        "    body: Dict[str, Any] = Field(default_factory=dict)\n",
        ["reference"],
        2,
    ),
    (
        "def build_{noun}_oauth_state() -> Dict[str, str]:\n"
        '    """Create the OAuth state and CSRF token for a login redirect."""\n'
        "    @IMPORT@csrf_token = str(@U@)\n"
        '    return {{"csrf_token": csrf_token, "provider": "{noun}"}}\n',
        ["string"],
        3,
    ),
    (
        "def start_{noun}_trace(name: str, trace_id: str = str(@U@)) -> Dict[str, str]:\n"
        '    """Start a trace. Note: the default is evaluated once, at import time."""\n'
        '    return {{"name": name, "trace_id": trace_id}}\n',
        ["string"],
        2,
    ),
    (
        "def make_{noun}_connection_id(user_id: str) -> str:\n"
        "    @IMPORT@ts = int(time.time() * 1000)\n"
        '    connection_id = f"ws_{{user_id}}_{{ts}}_{{@U@.hex[:8]}}"\n'
        "    return connection_id\n",
        ["fstring"],
        5,
    ),
    (
        "async def store_{noun}_record(repo: Any, payload: Dict[str, Any]) -> None:\n"
        "    @IMPORT@await repo.insert(Record(id=@U@, payload=payload))\n",
        ["object"],
        2,
    ),
    (
        "def new_{noun}_thread_id() -> str:\n"
        "    @IMPORT@ts = int(time.time())\n"
        "    random_suffix = @U@.hex[:8]\n"
        '    thread_id = f"ws_thread_{{ts}}_{{random_suffix}}"\n'
        "    return thread_id\n",
        ["truncated"],
        2,
    ),
    (
        "def rotate_{noun}_api_key(account: Any) -> str:\n"
        "    @IMPORT@account.api_key = @U@.hex\n"
        "    return account.api_key\n",
        ["hex"],
        1,
    ),
]

# Lines that mention uuid4 but are not sites. Some need `import uuid` in the file ("needs_module").
TEXT_MENTIONS = [
    "# NOTE: do not call uuid.uuid4() here; use UnifiedIdGenerator (SSOT for ids).",
    "# TODO(ids): replace the remaining uuid4 fallbacks in this module.",
    'logger.debug("generated fallback id via uuid4 for %s", "{noun}")',
    'LEGACY_PATTERN = r"uuid\\.uuid4\\(\\)"',
    '_MIGRATION_NOTE = "ids used to come from uuid.uuid4().hex[:8]"',
]
TEST_TEXT_MENTIONS = [
    'with patch("uuid.uuid4") as mock_uuid4:\n    mock_uuid4.return_value = "fixed-id"\n    assert mock_uuid4.return_value == "fixed-id"',
    'mock_uuid = MagicMock()\nmock_uuid.uuid4.return_value = "00000000-0000-4000-8000-000000000000"\nassert mock_uuid.uuid4.return_value',
    "# Ids here are deterministic on purpose: uuid4 would make the snapshot flaky.",
    'assert "uuid4" not in repr({noun}_state)',
]


# --------------------------------------------------------------------------------------------
# Filler: realistic code without sites
# --------------------------------------------------------------------------------------------


def doc(rng: random.Random, subject: str) -> str:
    return f"{cap(rng.choice(VERBS))} {subject}. {rng.choice(SENTENCES)}"


def app_model(rng: random.Random) -> str:
    noun = rng.choice(NOUNS)
    name = camel(noun, rng.choice(["Model", "Schema", "Payload", "Settings", "Snapshot"]))
    lines = [f"class {name}(BaseModel):", f'    """{doc(rng, f"the {noun} data")}"""', ""]
    used = set()
    for _ in range(rng.randint(3, 9)):
        field = f"{rng.choice(NOUNS)}_{rng.choice(['id', 'name', 'count', 'status', 'url', 'ts', 'tags'])}"
        if field in used:
            continue
        used.add(field)
        typ = rng.choice(TYPES)
        default = DEFAULTS[typ] if rng.random() < 0.5 else None
        lines.append(f"    {field}: {typ}" + (f" = {default}" if default else ""))
    lines.append("")
    lines.append(f'    @field_validator("{sorted(used)[0]}")')
    lines.append("    @classmethod")
    lines.append("    def _strip(cls, value: Any) -> Any:")
    lines.append("        if isinstance(value, str):")
    lines.append("            return value.strip()")
    lines.append("        return value")
    return "\n".join(lines) + "\n"


def app_method(rng: random.Random, noun: str) -> str:
    verb = rng.choice(VERBS)
    other = rng.choice(NOUNS)
    kind = rng.randrange(4)
    if kind == 0:
        return (
            f"    async def {verb}_{noun}(self, {noun}_id: str, payload: Dict[str, Any]) -> Dict[str, Any]:\n"
            f'        """{doc(rng, f"a {noun}")}"""\n'
            f'        logger.info("{verb} {noun} %s", {noun}_id)\n'
            f"        existing = await self._repository.get({noun}_id)\n"
            f"        if existing is None:\n"
            f'            raise LookupError(f"{noun} {{{noun}_id}} not found")\n'
            f'        result = {{**existing, **payload, "{other}_updated": True}}\n'
            f'        self._stats["{verb}"] = self._stats.get("{verb}", 0) + 1\n'
            f"        return result\n"
        )
    if kind == 1:
        return (
            f"    def {verb}_{other}s(self, items: List[Dict[str, Any]], *, limit: int = {rng.randint(10, 500)}) -> List[str]:\n"
            f'        """{doc(rng, f"{other} items")}\n'
            f"\n"
            f"        Args:\n"
            f"            items: the raw {other} records.\n"
            f"            limit: stop after this many.\n"
            f'        """\n'
            f"        results: List[str] = []\n"
            f"        for index, item in enumerate(items):\n"
            f"            if index >= limit:\n"
            f"                break\n"
            f'            key = item.get("{other}_id") or item.get("id")\n'
            f"            if not key:\n"
            f'                logger.debug("skipping item without id at %d", index)\n'
            f"                continue\n"
            f"            results.append(str(key).strip().lower())\n"
            f"        return results\n"
        )
    if kind == 2:
        return (
            f"    async def _{verb}_with_retry(self, {other}: Any, attempts: int = {rng.randint(2, 5)}) -> Optional[Any]:\n"
            f"        last_error: Optional[Exception] = None\n"
            f"        for attempt in range(attempts):\n"
            f"            try:\n"
            f"                return await self._repository.{verb}({other})\n"
            f"            except (ConnectionError, TimeoutError) as exc:\n"
            f"                last_error = exc\n"
            f'                logger.warning("attempt %d/%d failed: %s", attempt + 1, attempts, exc)\n'
            f"                await asyncio.sleep(0.{rng.randint(1, 9)} * (attempt + 1))\n"
            f"        if last_error is not None:\n"
            f"            raise last_error\n"
            f"        return None\n"
        )
    return (
        f"    @property\n"
        f"    def {other}_count(self) -> int:\n"
        f'        """Number of {other}s seen since start-up."""\n'
        f'        return sum(v for k, v in self._stats.items() if k.startswith("{other}"))\n'
    )


def app_class(rng: random.Random) -> str:
    noun = rng.choice(NOUNS)
    name = camel(noun, rng.choice(ROLES))
    out = [
        f"class {name}:\n"
        f'    """{doc(rng, f"{noun} records")}\n'
        f"\n"
        f"    {rng.choice(SENTENCES)}\n"
        f'    """\n'
        f"\n"
        f"    def __init__(self, repository: Any, cache: Optional[Any] = None) -> None:\n"
        f"        self._repository = repository\n"
        f"        self._cache = cache\n"
        f"        self._stats: Dict[str, int] = {{}}\n"
    ]
    for _ in range(rng.randint(2, 6)):
        out.append(app_method(rng, noun))
    return "\n".join(out)


def app_function(rng: random.Random) -> str:
    noun, other = rng.choice(NOUNS), rng.choice(NOUNS)
    verb = rng.choice(VERBS)
    if rng.random() < 0.5:
        return (
            f"def {verb}_{noun}_{other}(records: List[Dict[str, Any]], threshold: float = {rng.randint(1, 99) / 100}) -> Dict[str, float]:\n"
            f'    """{doc(rng, f"{noun} {other} scores")}"""\n'
            f"    totals: Dict[str, float] = {{}}\n"
            f"    counts: Dict[str, int] = {{}}\n"
            f"    for record in records:\n"
            f'        key = record.get("{noun}", "unknown")\n'
            f'        totals[key] = totals.get(key, 0.0) + float(record.get("score", 0))\n'
            f"        counts[key] = counts.get(key, 0) + 1\n"
            f"    return {{\n"
            f"        key: totals[key] / counts[key]\n"
            f"        for key in totals\n"
            f"        if counts[key] and totals[key] / counts[key] >= threshold\n"
            f"    }}\n"
        )
    return (
        f"async def {verb}_{noun}_batch(client: Any, {noun}_ids: List[str]) -> List[Any]:\n"
        f'    """{doc(rng, f"a batch of {noun}s")}"""\n'
        f"    semaphore = asyncio.Semaphore({rng.choice([4, 8, 16, 32])})\n"
        f"\n"
        f"    async def _one({noun}_id: str) -> Any:\n"
        f"        async with semaphore:\n"
        f'            return await client.{verb}("{noun}", {noun}_id)\n'
        f"\n"
        f"    results = await asyncio.gather(*(_one(i) for i in {noun}_ids), return_exceptions=True)\n"
        f"    failures = [r for r in results if isinstance(r, Exception)]\n"
        f"    if failures:\n"
        f'        logger.error("%d of %d {noun}s failed", len(failures), len(results))\n'
        f"    return [r for r in results if not isinstance(r, Exception)]\n"
    )


def app_enum(rng: random.Random) -> str:
    noun = rng.choice(NOUNS)
    members = rng.sample(STATUSES, rng.randint(3, len(STATUSES)))
    body = "\n".join(f'    {m.upper()} = "{m}"' for m in members)
    return f'class {camel(noun)}Status(str, Enum):\n    """Lifecycle of a {noun}."""\n\n{body}\n'


def app_constants(rng: random.Random) -> str:
    noun = rng.choice(NOUNS)
    return (
        f"DEFAULT_{noun.upper()}_TIMEOUT = {rng.randint(1, 120)}.0\n"
        f"MAX_{noun.upper()}_RETRIES = {rng.randint(1, 10)}\n"
        f"{noun.upper()}_ROUTES: Dict[str, str] = {{\n"
        + "".join(f'    "{v}": "/api/v1/{noun}s/{v}",\n' for v in rng.sample(VERBS, 4))
        + "}\n"
    )


APP_FILLERS = [(app_model, 3), (app_class, 4), (app_function, 4), (app_enum, 1), (app_constants, 1)]


def test_function(rng: random.Random, in_class: bool, body_extra: list[str] | None = None) -> str:
    noun = rng.choice(NOUNS)
    verb = rng.choice(VERBS)
    adj = rng.choice(ADJECTIVES)
    ind = "    " if in_class else ""
    args = ["self"] if in_class else []
    fixture = f"{noun}_{rng.choice(['service', 'manager', 'client', 'repository'])}"
    args.append(fixture)
    lines = []
    is_async = rng.random() < 0.7
    if is_async:
        lines.append(f"{ind}@pytest.mark.asyncio")
    lines.append(
        f"{ind}{'async ' if is_async else ''}def test_{verb}_{adj}_{noun}_{rng.randrange(1000)}({', '.join(args)}):"
    )
    lines.append(f'{ind}    """{cap(verb)} handles {adj} {noun}s. {rng.choice(SENTENCES)}"""')
    for extra in body_extra or []:
        lines.extend(f"{ind}    {line}" for line in extra.split("\n"))
    aw = "await " if is_async else ""
    lines.append(
        f'{ind}    payload = {{"{noun}_id": "{noun}-{rng.randrange(10000)}", "count": {rng.randint(0, 50)}}}'
    )
    lines.append(f"{ind}    result = {aw}{fixture}.{verb}(payload)")
    for _ in range(rng.randint(1, 4)):
        choice = rng.randrange(4)
        if choice == 0:
            lines.append(f'{ind}    assert result["status"] == "{rng.choice(STATUSES)}"')
        elif choice == 1:
            lines.append(
                f"{ind}    {fixture}.{verb}.assert_{'awaited' if is_async else 'called'}_once_with(payload)"
            )
        elif choice == 2:
            lines.append(
                f'{ind}    assert len(result.get("{rng.choice(NOUNS)}s", [])) <= {rng.randint(1, 20)}'
            )
        else:
            lines.append(f"{ind}    assert result is not None")
    return "\n".join(lines) + "\n"


def test_fixture(rng: random.Random, body: str | None = None) -> str:
    noun = rng.choice(NOUNS)
    role = rng.choice(["service", "manager", "client", "repository"])
    verb = rng.choice(VERBS)
    if body is not None:
        return f"@pytest.fixture\ndef {noun}_{role}_{rng.randrange(1000)}():\n{body}"
    return (
        f"@pytest.fixture\n"
        f"def {noun}_{role}():\n"
        f'    """A mocked {noun} {role}."""\n'
        f"    {role} = MagicMock()\n"
        f'    {role}.{verb} = AsyncMock(return_value={{"status": "{rng.choice(STATUSES)}"}})\n'
        f"    {role}.close = AsyncMock()\n"
        f"    return {role}\n"
    )


def test_class(rng: random.Random, methods: list[str] | None = None) -> str:
    noun = rng.choice(NOUNS)
    head = (
        f"class Test{camel(noun, rng.choice(ROLES))}{rng.randrange(100)}:\n"
        f'    """Tests for the {noun} {rng.choice(ROLES).lower()}."""\n'
        f"\n"
        f"    def setup_method(self):\n"
        f"        self.{noun}_store = {{}}\n"
        f"        self.events = []\n"
    )
    if methods is None:
        methods = [test_function(rng, True) for _ in range(rng.randint(2, 6))]
    return head + "\n" + "\n".join(methods)


def test_filler(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.15:
        return test_fixture(rng)
    if r < 0.55:
        return test_function(rng, False)
    return test_class(rng)


def filler(rng: random.Random, area: str) -> str:
    if area == "test":
        return test_filler(rng)
    fn = rng.choices([f for f, _ in APP_FILLERS], weights=[w for _, w in APP_FILLERS])[0]
    return fn(rng)


# --------------------------------------------------------------------------------------------
# Rendering a file
# --------------------------------------------------------------------------------------------

APP_IMPORTS = [
    "import asyncio",
    "import logging",
    "import time",
    "from datetime import datetime",
    "from enum import Enum",
    "from typing import Any, Dict, List, Optional",
    "",
    "from pydantic import BaseModel, Field, field_validator",
    "from sqlalchemy import JSON, Column, DateTime, String",
    "from sqlalchemy.dialects.postgresql import UUID as PG_UUID",
    "from sqlalchemy.orm import declarative_base",
]
TEST_IMPORTS = [
    "import asyncio",
    "import time",
    "from typing import Any, Dict",
    "from unittest.mock import AsyncMock, MagicMock, patch",
    "",
    "import pytest",
    "",
    "from shared.types import Record, RequestContext, UserExecutionContext",
    "from tests.factories import UserFactory",
]


class Sites:
    """Sites written into one file, by shape."""

    def __init__(self) -> None:
        self.shapes: Counter = Counter()

    def add(self, shapes: list[str]) -> None:
        self.shapes.update(shapes)

    @property
    def total(self) -> int:
        return sum(self.shapes.values())


def header(rng: random.Random, path: str, area: str, binding: str | None, extra_imports: list[str]) -> str:
    subject = Path(path).stem.replace("_", " ")
    lines = [f'"""{cap(subject)}.', "", rng.choice(SENTENCES), '"""', ""]
    if area == "app" and rng.random() < 0.4:
        lines += ["from __future__ import annotations", ""]
    imports = list(APP_IMPORTS if area == "app" else TEST_IMPORTS)
    if binding is not None:
        std = list(BINDINGS[binding][0])
        if area == "app":
            std.append("from uuid import UUID")
        # stdlib imports go in the first block, kept sorted-ish
        first_blank = imports.index("")
        imports[first_blank:first_blank] = std
    imports += extra_imports
    lines += imports
    if area == "app":
        lines += ["", "logger = logging.getLogger(__name__)", "Base = declarative_base()"]
    return "\n".join(lines) + "\n"


def local_import(binding: str) -> str:
    return "import uuid\n" if binding == "local" else ""


def subst(text: str, binding: str) -> str:
    _, call, ref, _ = BINDINGS[binding]
    return text.replace("@U@", call).replace("@R@", ref)


def test_site_statements(rng: random.Random, count: int, binding: str, sites: Sites) -> tuple[list[str], str]:
    """`count` sites as statements for one function body (unindented), and the last name bound."""
    out: list[str] = []
    name = ""
    used: Counter = Counter()
    if binding == "local":
        out.append("import uuid")
    remaining = count
    while remaining > 0:
        candidates = [t for t in TEST_SITES if len(t[1]) <= remaining]
        lines, shapes, var, _ = rng.choices(candidates, weights=[t[3] for t in candidates])[0]
        used[var] += 1
        name = var if used[var] == 1 else f"{var}_{used[var]}"
        out.append(subst(lines.replace("@V@", name), binding))
        sites.add(shapes)
        remaining -= len(shapes)
        if rng.random() < 0.3:
            out.append(f"assert {name}")
    return out, name


def split_counts(rng: random.Random, total: int, parts: int, sigma: float) -> list[int]:
    """Split `total` into `parts` positive integers with a skewed (log-normal) distribution."""
    if parts <= 0:
        return []
    parts = min(parts, total)
    weights = [rng.lognormvariate(0, sigma) for _ in range(parts)]
    rest = total - parts
    wsum = sum(weights)
    raw = [w / wsum * rest for w in weights]
    counts = [1 + int(x) for x in raw]
    short = total - sum(counts)
    order = sorted(range(parts), key=lambda i: raw[i] - int(raw[i]), reverse=True)
    for i in order[:short]:
        counts[i] += 1
    return counts


def render_test_file(rng: random.Random, spec: dict, sites: Sites) -> str:
    binding = spec["binding"]
    n_sites = spec["sites"]
    out = [header(rng, spec["path"], "test", binding, [])]
    size = len(out[0])
    # group the sites into test functions of 1-6 sites (dense files: up to 10)
    dense = n_sites >= 20
    groups: list[int] = []
    left = n_sites
    while left > 0:
        g = min(left, rng.randint(1, 10 if dense else 6))
        groups.append(g)
        left -= g
    blocks: list[str] = []
    for g in groups:
        body, last = test_site_statements(rng, g, binding, sites)
        if rng.random() < 0.08:
            body.insert(0, rng.choice(TEST_TEXT_MENTIONS).format(noun=rng.choice(NOUNS)))
        r = rng.random()
        if r < 0.12:
            fixture_body = "".join(f"    {line}\n" for stmt in body for line in stmt.split("\n"))
            # a fixture returns the last value it made
            blocks.append(test_fixture(rng, fixture_body + f"    return {last}\n"))
        elif r < 0.55:
            blocks.append(test_function(rng, False, body))
        else:
            blocks.append(
                test_class(
                    rng,
                    [test_function(rng, True, body)]
                    + [test_function(rng, True) for _ in range(rng.randint(0, 3))],
                )
            )
    target = spec["size"]
    # interleave fillers so the sites are spread through the file
    fillers_needed = []
    est = size + sum(len(b) for b in blocks)
    while est < target:
        f = filler(rng, "test")
        fillers_needed.append(f)
        est += len(f) + 2
    all_blocks = blocks + fillers_needed
    rng.shuffle(all_blocks)
    if spec.get("mentions") and rng.random() < 0.5:
        all_blocks.insert(
            0, "# Ids here are deterministic where snapshots need it; elsewhere uuid4 keeps tests isolated.\n"
        )
    out.extend(all_blocks)
    return "\n\n".join(out)


def render_app_file(rng: random.Random, spec: dict, sites: Sites) -> str:
    binding = spec["binding"]
    n_sites = spec["sites"]
    out = [header(rng, spec["path"], "app", binding, [])]
    size = len(out[0])
    blocks: list[str] = []
    module_level: list[str] = []
    for _ in range(n_sites):
        candidates = APP_SITES
        if binding == "local":
            # module-level and class-body sites cannot take a function-local import
            candidates = [t for t in APP_SITES if "@IMPORT@" in t[0]]
        text, shapes, _ = rng.choices(candidates, weights=[t[2] for t in candidates])[0]
        noun = rng.choice(NOUNS)
        text = text.format(noun=f"{noun}{rng.randrange(1000)}", Noun=camel(noun) + str(rng.randrange(1000)))
        imp = local_import(binding)
        if "@IMPORT@" in text:
            indent = text.split("@IMPORT@")[0].rsplit("\n", 1)[-1]
            text = text.replace("@IMPORT@", imp + indent if imp else "")
        text = subst(text, binding)
        sites.add(shapes)
        if not text.startswith(("class ", "def ", "async def ")):
            module_level.append(text)
        else:
            blocks.append(text)
    if spec.get("mentions"):
        for _ in range(rng.randint(1, 3)):
            blocks.append(
                app_function(rng).replace(
                    "\n", "\n    " + rng.choice(TEXT_MENTIONS).format(noun=rng.choice(NOUNS)) + "\n", 1
                )
            )
    est = size + sum(len(b) for b in blocks)
    target = spec["size"]
    while est < target:
        f = filler(rng, "app")
        blocks.append(f)
        est += len(f) + 2
    rng.shuffle(blocks)
    if module_level:
        out.append("".join(module_level))
    out.extend(blocks)
    return "\n\n".join(out)


def render_comment_heavy(rng: random.Random, spec: dict, sites: Sites) -> str:
    """Thousands of indented comment lines quoting old uuid4 code; optionally one real site."""
    binding = "module" if spec["sites"] else None
    out = [header(rng, spec["path"], "app", binding, [])]
    snippets = [subst(t[0].replace("@V@", t[2]), "module") for t in TEST_SITES]
    snippets += [
        subst(t[0].replace("@IMPORT@", ""), "module").format(noun="legacy", Noun="Legacy") for t in APP_SITES
    ]
    lines = [
        "class LegacyIdNotes:",
        '    """Notes kept from the id migration; the code below is the old implementation."""',
        "",
    ]
    size = 0
    method = 0
    while size < spec["size"]:
        method += 1
        lines.append(f"    def legacy_step_{method}(self) -> str:")
        for _ in range(rng.randint(40, 120)):
            snippet = rng.choice(snippets).split("\n")
            for s in snippet:
                line = f"        # {s}" if s.strip() else "        #"
                lines.append(line)
                size += len(line) + 1
        lines.append(f'        return "step {method}: see UnifiedIdGenerator"')
        lines.append("")
    if spec["sites"]:
        lines.append("    def current_id(self) -> str:")
        lines.append("        return str(uuid.uuid4())")
        sites.add(["string"])
    out.append("\n".join(lines))
    return "\n\n".join(out)


def render_large_models(rng: random.Random, spec: dict, sites: Sites) -> str:
    """A generated-looking models module: thousands of pydantic classes, no uuid4."""
    out = [header(rng, spec["path"], "app", None, []), "# Generated from the OpenAPI schema. Do not edit.\n"]
    size = 0
    while size < spec["size"]:
        block = app_model(rng)
        out.append(block)
        size += len(block) + 2
    return "\n\n".join(out)


def render_large_payloads(rng: random.Random, spec: dict, sites: Sites) -> str:
    """Recorded payload fixtures: one huge literal, uuid4 mentioned only in the docstring."""
    head = (
        '"""Websocket payloads recorded in staging.\n\n'
        "The message ids were produced by uuid.uuid4() at recording time and are kept verbatim.\n"
        '"""\n\n'
        "RECORDED_PAYLOADS = [\n"
    )
    parts = [head]
    size = len(head)
    i = 0
    while size < spec["size"]:
        i += 1
        hexid = "%032x" % rng.getrandbits(128)
        uid = f"{hexid[:8]}-{hexid[8:12]}-4{hexid[13:16]}-a{hexid[17:20]}-{hexid[20:]}"
        item = (
            "    {\n"
            f'        "message_id": "{uid}",\n'
            f'        "type": "{rng.choice(["agent_started", "agent_thinking", "tool_executing", "tool_completed", "agent_completed"])}",\n'
            f'        "user_id": "user_{rng.randrange(10**6)}",\n'
            f'        "payload": {{"step": {i}, "text": "{rng.choice(SENTENCES)}"}},\n'
            "    },\n"
        )
        parts.append(item)
        size += len(item)
    parts.append("]\n")
    return "".join(parts)


def render_init(rng: random.Random, spec: dict, sites: Sites) -> str:
    pkg = Path(spec["path"]).parent.name
    if rng.random() < 0.6:
        return ""
    return f'"""{cap(pkg.replace("_", " "))} package."""\n'


def render_text_only(rng: random.Random, spec: dict, sites: Sites) -> str:
    """Mentions uuid4 in comments, strings and docstrings, and uses other uuid functions."""
    area = spec["area"]
    out = [header(rng, spec["path"], area, None, ["import uuid"] if area == "app" else [])]
    blocks = []
    if area == "app":
        blocks.append(
            "def legacy_node_id() -> str:\n"
            '    """Time-based id for the legacy queue (uuid1, not uuid4: ordering matters)."""\n'
            "    return str(uuid.uuid1())\n"
        )
        blocks.append(
            "def parse_id(value: str) -> uuid.UUID:\n"
            '    """Parse an id; ids minted by uuid4 and uuid5 both validate."""\n'
            "    return uuid.UUID(value)\n"
        )
        for _ in range(rng.randint(1, 4)):
            blocks.append(
                app_function(rng).replace(
                    "\n", "\n    " + rng.choice(TEXT_MENTIONS).format(noun=rng.choice(NOUNS)) + "\n", 1
                )
            )
    else:
        for _ in range(rng.randint(1, 4)):
            mention = rng.choice(TEST_TEXT_MENTIONS).format(noun="payload")
            blocks.append(test_function(rng, False, ['payload_state = {"ok": True}', mention]))
    est = sum(map(len, blocks))
    while est < spec["size"]:
        f = filler(rng, area)
        blocks.append(f)
        est += len(f)
    rng.shuffle(blocks)
    return "\n\n".join(out + blocks)


def render_plain(rng: random.Random, spec: dict, sites: Sites) -> str:
    area = spec["area"]
    out = [header(rng, spec["path"], area, None, [])]
    blocks = []
    est = 0
    if area == "test" and Path(spec["path"]).name == "conftest.py":
        for _ in range(rng.randint(2, 6)):
            blocks.append(test_fixture(rng))
    while est < spec["size"]:
        f = filler(rng, area)
        blocks.append(f)
        est += len(f)
    return "\n\n".join(out + blocks)


RENDERERS = {
    "init": render_init,
    "plain": render_plain,
    "sites": None,  # app or test renderer, by area
    "text": render_text_only,
    "comments": render_comment_heavy,
    "large_models": render_large_models,
    "large_payloads": render_large_payloads,
    "large_tests": render_test_file,
}


def render(spec: dict, seed: int) -> tuple[str, Sites]:
    rng = random.Random(f"{seed}:{spec['path']}")
    sites = Sites()
    role = spec["role"]
    if role == "sites":
        fn = render_test_file if spec["area"] == "test" else render_app_file
    else:
        fn = RENDERERS[role]
    text = fn(rng, spec, sites)
    if text and not text.endswith("\n"):
        text += "\n"
    return text, sites


# --------------------------------------------------------------------------------------------
# Planning the tree
# --------------------------------------------------------------------------------------------


def plan(n_files: int, seed: int, plain_scale: float = 1.0) -> list[dict]:
    rng = random.Random(seed)
    scale = n_files / 9000
    total_sites = max(10, round(10000 * scale))

    # directories: (dir, area, weight)
    dirs: list[tuple[str, str, float]] = []
    for svc in SERVICES:
        w = rng.uniform(0.6, 1.6)
        for sub in APP_SUBPACKAGES:
            dirs.append((f"services/{svc}/{svc}/{sub}", "app", 5.0 * w))
        for sub in TEST_SUBDIRS:
            dirs.append((f"services/{svc}/tests/{sub}", "test", 4.6 * w))
    for pkg in SHARED_PACKAGES:
        dirs.append((f"shared/{pkg}", "app", 3.0))
    for sub in TOP_TEST_DIRS:
        dirs.append((f"tests/{sub}", "test", 14.0))
    dirs.append(("scripts", "app", 8.0))

    specs: list[dict] = []
    paths: set[str] = set()

    def add(path: str, area: str, role: str, size: int = 0, sites: int = 0) -> dict:
        spec = {"path": path, "area": area, "role": role, "size": size, "sites": sites, "binding": None}
        specs.append(spec)
        paths.add(path)
        return spec

    def ensure_inits(d: str) -> None:
        parts = d.split("/")
        for i in range(1, len(parts) + 1):
            sub = "/".join(parts[:i])
            if sub in ("services", "tests/e2e/journeys") or (len(parts[:i]) == 2 and parts[0] == "services"):
                continue  # services/ and services/<svc>/ are not packages
            init = f"{sub}/__init__.py"
            if init not in paths:
                area = "test" if "tests" in parts[:i] else "app"
                add(init, area, "init")

    # fixed special files
    big = max(0.05, scale)
    large_svc = SERVICES[1]
    specials = [
        ("shared/types/generated_api_models.py", "app", "large_models", int(4.2e6 * big), 0),
        ("tests/fixtures/recorded_websocket_payloads.py", "test", "large_payloads", int(3.1e6 * big), 0),
        (
            f"services/{large_svc}/tests/integration/test_bulk_message_routing.py",
            "test",
            "large_tests",
            int(2.6e6 * big),
            round(total_sites * 0.03),
        ),
        (
            "tests/e2e/test_generated_user_journeys.py",
            "test",
            "large_tests",
            int(2.1e6 * big),
            round(total_sites * 0.02),
        ),
    ]
    n_comment = 4 if n_files >= 1000 else 1
    comment_paths = [
        "services/websocket_gateway/websocket_gateway/websocket/legacy_id_notes.py",
        "services/agent_runtime/agent_runtime/agents/migration_notes.py",
        "shared/id_generation/legacy_patterns.py",
        "services/backend/backend/core/id_migration_log.py",
    ][:n_comment]
    for i, p in enumerate(comment_paths):
        specials.append((p, "app", "comments", int(rng.uniform(300e3, 650e3) * big), 1 if i == 0 else 0))
    for path, area, role, size, n in specials:
        ensure_inits(str(Path(path).parent))
        spec = add(path, area, role, size, n)
        if role == "large_tests" or (role == "comments" and n):
            spec["binding"] = "module"

    # ordinary modules until we reach n_files
    weights = [w for _, _, w in dirs]
    conftest_dirs: set[str] = set()
    while len(specs) < n_files:
        d, area, _ = rng.choices(dirs, weights=weights)[0]
        ensure_inits(d)
        if len(specs) >= n_files:
            break
        if area == "test":
            if d not in conftest_dirs and rng.random() < 0.1:
                conftest_dirs.add(d)
                name = "conftest.py"
            else:
                name = f"test_{rng.choice(NOUNS)}_{rng.choice(VERBS)}{rng.choice(['', '_' + rng.choice(ADJECTIVES)])}.py"
        else:
            name = f"{rng.choice(NOUNS)}_{rng.choice([r.lower() for r in ROLES] + VERBS)}.py"
        path = f"{d}/{name}"
        if path in paths:
            continue
        add(path, area, "plain")
    del specs[n_files:]

    # sizes: log-normal, mean ~6 KB for ordinary modules; files that mention uuid4 are drawn
    # again below with a mean ~15 KB, so that the bytes a scanner must parse come to ~34 MB, as
    # in the real repository (1,719 candidate files of a 20 KB average)
    # (--plain-scale grows them afterwards, drawing nothing more: the default tree is unchanged)
    for spec in specs:
        if spec["role"] == "plain":
            spec["size"] = int(min(250e3, max(400, rng.lognormvariate(8.0, 1.0))))

    # who mentions uuid4: 20% of all files
    mention_target = round(0.20 * n_files)
    fixed_mentions = sum(1 for s in specs if s["role"] in ("comments", "large_payloads", "large_tests"))
    plain_test = [s for s in specs if s["role"] == "plain" and s["area"] == "test"]
    plain_app = [s for s in specs if s["role"] == "plain" and s["area"] == "app"]
    rng.shuffle(plain_test)
    rng.shuffle(plain_app)
    remaining = max(0, mention_target - fixed_mentions)
    n_text = round(remaining * 0.06)
    large_sites = sum(s["sites"] for s in specs if s["role"] in ("large_tests", "comments"))
    app_sites = round(total_sites * 0.04) - sum(s["sites"] for s in specs if s["role"] == "comments")
    test_sites = (
        total_sites
        - round(total_sites * 0.04)
        - (large_sites - sum(s["sites"] for s in specs if s["role"] == "comments"))
    )
    n_site_files = max(0, remaining - n_text)
    n_app_site = min(len(plain_app), max(1, round(app_sites / 1.35)), n_site_files)
    n_test_site = min(len(plain_test), n_site_files - n_app_site)

    for s in plain_app[:n_app_site]:
        s["role"] = "sites"
    for s in plain_test[:n_test_site]:
        s["role"] = "sites"
    for n, s in zip(split_counts(rng, app_sites, n_app_site, 0.5), plain_app[:n_app_site]):
        s["sites"] = n
    for n, s in zip(split_counts(rng, test_sites, n_test_site, 1.1), plain_test[:n_test_site]):
        s["sites"] = n
    # text-only mentions, split between app and test
    text_pool = plain_app[n_app_site:][: n_text // 2] + plain_test[n_test_site:][: n_text - n_text // 2]
    for s in text_pool:
        s["role"] = "text"
    for s in specs:
        if s["role"] in ("sites", "text"):
            s["size"] = int(min(400e3, max(1500, rng.lognormvariate(9.0, 1.0))))
        if s["role"] == "sites":
            s["binding"] = pick_binding(rng)
            s["mentions"] = rng.random() < 0.15
            # dense files need room for their sites
            s["size"] = max(s["size"], s["sites"] * 260)
    if plain_scale != 1.0:
        # only files that do not mention uuid4 grow: the candidates, the sites and what a
        # scanner parses stay as they are; what every file reader reads grows
        for spec in specs:
            if spec["role"] == "plain" and spec["sites"] == 0 and not spec.get("mentions"):
                spec["size"] = int(spec["size"] * plain_scale)
    return specs


# --------------------------------------------------------------------------------------------
# Verification with Python's ast
# --------------------------------------------------------------------------------------------


def ast_sites(tree: ast.AST) -> Counter:
    """Count uuid.uuid4 sites by shape, resolving the bindings this generator writes."""
    modules: set[str] = set()
    funcs: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name == "uuid":
                    modules.add(a.asname or "uuid")
        elif isinstance(node, ast.ImportFrom) and node.module == "uuid" and node.level == 0:
            for a in node.names:
                if a.name == "uuid4":
                    funcs.add(a.asname or "uuid4")
    parents: dict[int, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[id(child)] = node

    def is_uuid4(node: ast.AST) -> bool:
        if isinstance(node, ast.Attribute):
            return node.attr == "uuid4" and isinstance(node.value, ast.Name) and node.value.id in modules
        return isinstance(node, ast.Name) and node.id in funcs and isinstance(node.ctx, ast.Load)

    shapes: Counter = Counter()
    for node in ast.walk(tree):
        if not is_uuid4(node):
            continue
        parent = parents.get(id(node))
        if not (isinstance(parent, ast.Call) and parent.func is node):
            shapes["reference"] += 1
            continue
        call = parent
        anc = parents.get(id(call))
        chain = call
        in_fstring = False
        while chain is not None and not isinstance(chain, ast.stmt):
            if isinstance(chain, ast.JoinedStr):
                in_fstring = True
                break
            chain = parents.get(id(chain))
        if in_fstring:
            shapes["fstring"] += 1
        elif isinstance(anc, ast.Attribute) and anc.attr == "hex":
            sub = parents.get(id(anc))
            shapes["truncated" if isinstance(sub, ast.Subscript) and sub.value is anc else "hex"] += 1
        elif isinstance(anc, ast.Call) and isinstance(anc.func, ast.Name) and anc.func.id == "str":
            sub = parents.get(id(anc))
            shapes["truncated" if isinstance(sub, ast.Subscript) and sub.value is anc else "string"] += 1
        else:
            shapes["object"] += 1
    return shapes


def verify(out: Path, manifest: dict) -> bool:
    t0 = time.perf_counter()
    expected = manifest["files"]
    ok = True
    got_total: Counter = Counter()
    compiled = 0
    for rel, info in sorted(expected.items()):
        source = (out / rel).read_text(encoding="utf-8")
        try:
            # the grammar of Python 3.8 (the oldest the rewriter targets), then the compiler
            tree = ast.parse(source, rel, feature_version=(3, 8))
            compile(tree, rel, "exec", dont_inherit=True)
            compiled += 1
        except SyntaxError as exc:
            print(f"verify: {rel}: does not compile: {exc}", file=sys.stderr)
            ok = False
            continue
        got = ast_sites(tree) if "uuid4" in source else Counter()
        got_total.update(got)
        want = Counter(info.get("shapes", {}))
        if +got != +want:
            print(f"verify: {rel}: expected {dict(want)}, ast counts {dict(got)}", file=sys.stderr)
            ok = False
    want_total = Counter(manifest["summary"]["sites_by_shape"])
    print(
        f"verify: {compiled}/{len(expected)} files parse as Python 3.8 and compile; ast counts {sum(got_total.values())} sites "
        f"{dict(sorted(got_total.items()))} (manifest {sum(want_total.values())}) "
        f"in {time.perf_counter() - t0:.1f} s: {'OK' if ok and got_total == want_total else 'MISMATCH'}"
    )
    return ok and got_total == want_total


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


def generate(out: Path, n_files: int, seed: int, plain_scale: float = 1.0) -> dict:
    specs = plan(n_files, seed, plain_scale)
    files: dict[str, dict] = {}
    total_bytes = 0
    mentions = 0
    shapes: Counter = Counter()
    by_area: Counter = Counter()
    made_dirs: set[Path] = set()
    for spec in specs:
        text, sites = render(spec, seed)
        data = text.encode("utf-8")
        path = out / spec["path"]
        if path.parent not in made_dirs:
            path.parent.mkdir(parents=True, exist_ok=True)
            made_dirs.add(path.parent)
        path.write_bytes(data)
        total_bytes += len(data)
        mentioned = b"uuid4" in data
        mentions += mentioned
        shapes.update(sites.shapes)
        by_area[spec["area"]] += sites.total
        entry: dict = {"area": spec["area"], "role": spec["role"], "bytes": len(data)}
        if sites.total:
            entry["sites"] = sites.total
            entry["shapes"] = dict(sorted(sites.shapes.items()))
            entry["binding"] = spec["binding"]
        files[spec["path"]] = entry
    # a few non-Python files, as in a real checkout
    for svc in SERVICES:
        (out / "services" / svc / "README.md").write_text(f"# {svc}\n\nSee docs/ for the architecture.\n")
        (out / "services" / svc / "requirements.txt").write_text("pydantic>=2\nsqlalchemy>=2\npytest>=7\n")
    total_sites = sum(shapes.values())
    summary = {
        "files": len(specs),
        "bytes": total_bytes,
        "files_mentioning_uuid4": mentions,
        "files_with_sites": sum(1 for f in files.values() if f.get("sites")),
        "sites": total_sites,
        "sites_by_shape": dict(sorted(shapes.items())),
        "sites_by_area": dict(sorted(by_area.items())),
        "seed": seed,
    }
    manifest = {"generator": "bench/gen_monorepo.py", "summary": summary, "files": files}
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    return manifest


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--files", type=int, default=9000, help="number of .py files (default 9000)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument(
        "--plain-scale",
        type=float,
        default=1.0,
        help="grow the files that do not mention uuid4 by this factor (default 1; 3.6 gives the "
        "real repository's 176 MB with the same candidates and sites)",
    )
    ap.add_argument(
        "--force", action="store_true", help="replace OUT_DIR if it holds an earlier generated tree"
    )
    ap.add_argument(
        "--verify",
        action="store_true",
        help="after generating, re-count sites with ast and compile every file",
    )
    args = ap.parse_args()
    out: Path = args.out_dir
    if args.files < 50:
        ap.error("--files must be at least 50")
    if out.exists() and any(out.iterdir()):
        if not (out / MANIFEST).exists():
            ap.error(f"{out} exists and was not made by this generator; refusing to touch it")
        if not args.force:
            ap.error(f"{out} already holds a generated tree; pass --force to regenerate")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    manifest = generate(out, args.files, args.seed, args.plain_scale)
    elapsed = time.perf_counter() - t0
    s = manifest["summary"]
    pct = 100 * s["files_mentioning_uuid4"] / s["files"]
    shapes = s["sites_by_shape"]
    fpct = 100 * shapes.get("fstring", 0) / max(1, s["sites"])
    spct = 100 * shapes.get("string", 0) / max(1, s["sites"])
    tpct = 100 * s["sites_by_area"].get("test", 0) / max(1, s["sites"])
    print(f"generated {out} (seed {s['seed']}) in {elapsed:.1f} s")
    print(f"  files:                  {s['files']} .py")
    print(f"  bytes:                  {s['bytes']:,} ({s['bytes'] / 1e6:.1f} MB)")
    print(f"  files mentioning uuid4: {s['files_mentioning_uuid4']} ({pct:.1f}%)")
    print(f"  files with sites:       {s['files_with_sites']}")
    print(
        f"  sites:                  {s['sites']} ({fpct:.0f}% f-string, {spct:.0f}% str(), {tpct:.0f}% in test code)"
    )
    print(f"  by shape:               {shapes}")
    print(f"  manifest:               {out / MANIFEST}")
    if args.verify:
        return 0 if verify(out, manifest) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
