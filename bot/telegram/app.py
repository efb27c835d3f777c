"""The Telegram application: ``build_application(settings, knowledge)`` and ``run(settings)``.

Usage:
    TELEGRAM_BOT_TOKEN=123:ABC python -m bot run              # long polling
    WEBHOOK_URL=https://bot.example.com/tg python -m bot run   # webhook (see README.md, "Telegram")

The features live one per module (intake, private, choose, compare, faq, sources, feedback,
errors; for groups group_gate, group_members, group_admin, group; inline), each with a
``register(app)``; this module builds the application and calls them in order. HTTP is PTB's
own ``HTTPXRequest`` (getUpdates through polling.py's guarded one); the limits on Telegram calls
are limits.py.
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Callable
from pathlib import Path

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import InvalidToken, NetworkError
from telegram.ext import Application, Defaults

from ..choose import ChooseEngine, Flow, load_flow
from ..knowledge import DEFAULT_DIR, Knowledge, load_knowledge
from ..learned import Teaching, learned_path, read_learned
from ..matcher import Matcher
from ..settings import Settings
from ..storage import Storage
from ..taught import Taught
from ..textmodel import FILE as MODEL_FILE
from . import (
    choose,
    compare,
    dialog,
    digest,
    errors,
    faq,
    feedback,
    forget,
    group,
    group_admin,
    group_gate,
    group_members,
    housekeeping,
    inline,
    intake,
    limits,
    logs,
    polling,
    presence,
    private,
    review,
    sources,
)
from .common import NO_PREVIEW, App, Services, app_services

logger = logging.getLogger(__name__)

RATE_LIMIT_RETRIES = 3  # times a request is retried after Telegram's 429 "retry after N s"
SIGNED_IN = "signed_in"  # bot_data key: set once getMe was answered and read


class SignInError(Exception):
    """Telegram's answer to the sign-in (getMe) could not be read: most likely
    TELEGRAM_API_BASE_URL is not a Bot API server."""


async def post_init(app: App) -> None:
    """After sign-in: set the command menus and descriptions (failures are only logged); then
    take what start-up built out of the garbage collector's sight."""
    s = app_services(app)
    app.bot_data[SIGNED_IN] = True
    logger.info("Signed in as @%s", app.bot.username)
    await presence.announce(app, s.settings)
    # The knowledge, its index, the libraries: some 250,000 objects that live as long as the
    # process. Left to the collector, each of its full passes walks them all (about 50 ms here),
    # and every answer in flight waits; frozen, a pass sees only what answering created.
    gc.freeze()


async def post_shutdown(app: App) -> None:
    """Close the database (every write is committed already)."""
    app_services(app).storage.close()


def build_application(
    settings: Settings,
    knowledge: Knowledge,
    flow: Flow | None = None,
    clock: Callable[[], float] = time.time,
    throttle: bool = True,
) -> App:
    """The configured application, with every feature registered; opens the database.

    ``clock`` gives the time the group limits count with (tests pass a fake one); ``throttle``
    False drops the waiting for Telegram's flood limits (the benchmark's fake server has none).

    Raises StorageError when DATA_DIR's database cannot be used, and KnowledgeError when the
    guided choice's flow is invalid.
    """
    if not settings.token:
        raise ValueError("build_application needs settings.token")
    logs.protect(settings.token, settings.webhook_secret)
    flow = flow or load_flow(DEFAULT_DIR, knowledge)
    storage = Storage.in_dir(settings.data_dir)
    # (after the database: a start that cannot use DATA_DIR writes nothing there)
    matcher = Matcher(knowledge, model_file=settings.data_dir / MODEL_FILE)
    engine = ChooseEngine(flow, knowledge, matcher)
    taught = Taught(matcher, load_learned(settings, knowledge))
    app = (
        Application.builder()
        .token(settings.token)
        .base_url(settings.api_base_url)
        .base_file_url(settings.api_base_file_url)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=NO_PREVIEW,
            )
        )
        .rate_limiter(limits.ApiLimiter(max_retries=RATE_LIMIT_RETRIES, throttle=throttle))
        .get_updates_request(polling.PollingRequest())
        # Updates from different people are handled at the same time. State is keyed by
        # (chat id, user id) and each handler reads, decides and writes it without awaiting in
        # between, so two updates never see each other's half-written state. 32 at a time is
        # more than Telegram's 30 messages a second needs; PTB's 256 only made a burst queue
        # for httpx's connections (bench --e2e: 131-182 answers/s and 133 MB with 256,
        # 275/s and 127 MB with 32).
        .concurrent_updates(32)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )
    app.bot_data["services"] = Services(
        settings, knowledge, matcher, storage, engine, taught, clock
    )

    # Order matters! Within a group PTB runs the first handler whose filters match, so:
    # 0. intake: the rate per person, the once-only check and edited messages, in negative
    #    handler groups, so they run before any feature whatever the order of registration.
    # 0b. group_gate (handler group -1, with intake's edited-message handler): drops messages of
    #    bots and channels in groups, limits commands per person, and lets only a button's owner
    #    press it; then hands the press on without the owner stamp.
    # 1. groups: membership and migration, /settings, then asking. group must come before
    #    private, whose q: handler would otherwise take presses in groups too. inline stands
    #    alone (inline queries).
    # 2. choose: "/start choose" (the deep link) must win over the plain /start, and text typed
    #    in the middle of the guided choice belongs to the flow, not to question answering.
    # 3. private: /start, /help, any other text as a question, and the q: question buttons.
    # 4. the other commands and their buttons, whose patterns do not overlap.
    # 5. errors: the error handler, and the catch-alls for what nobody claimed (buttons with old
    #    data, unknown commands, stickers), which must come after every specific handler.
    dialog.register(app)  # the conversation layer every feature below talks through
    intake.register(app)
    group_gate.register(app)
    group_members.register(app)
    group_admin.register(app)
    group.register(app)
    review.register(app)  # its typed search runs in a handler group before the features
    forget.register(app)
    inline.register(app)
    choose.register(app)
    private.register(app)
    compare.register(app)
    faq.register(app)
    sources.register(app)
    feedback.register(app)
    errors.register(app)
    housekeeping.register(app)
    digest.register(app)
    return app


def load_learned(settings: Settings, knowledge: Knowledge) -> tuple[Teaching, ...]:
    """The owners' teachings from DATA_DIR/learned.yaml; a broken file is logged, line by line,
    and ignored (the bot answers from the shipped knowledge; /review refuses to write over it)."""
    path = learned_path(settings.data_dir)
    learned = read_learned(path, knowledge)
    for problem in learned.problems:
        logger.warning("Ignoring %s: %s", path.name, problem)
    if learned.problems:
        logger.warning("%s is ignored until fixed; run python -m bot kb check", path)
    elif learned.teachings:
        logger.info("Loaded %d taught phrasing(s) from %s", len(learned.teachings), path)
    return learned.teachings


def run(
    settings: Settings,
    knowledge: Knowledge | None = None,
    flow: Flow | None = None,
    knowledge_dir: Path | str = DEFAULT_DIR,
) -> None:
    """Run the bot until interrupted: long polling, or a webhook when WEBHOOK_URL is set.

    Raises InvalidToken when Telegram refuses the token, and SignInError when its answer to the
    sign-in cannot be read.
    """
    logs.protect(settings.token, settings.webhook_secret)
    logs.configure(settings.log_level_number)
    knowledge = knowledge or load_knowledge(knowledge_dir)
    app = build_application(settings, knowledge, flow or load_flow(knowledge_dir, knowledge))
    try:
        _serve(app, settings)
    except (InvalidToken, NetworkError):
        raise  # a refused token, or Telegram out of reach: the caller says which
    except Exception as exc:
        if app.bot_data.get(SIGNED_IN):
            raise
        # Whatever PTB raised while reading getMe's answer (not JSON, or not a user).
        raise SignInError(errors.describe(exc, where=False)) from None


def _serve(app: App, settings: Settings) -> None:
    """Long polling, or the webhook; until interrupted."""
    if settings.webhook_url:
        logger.info(
            "Starting with a webhook; listening on %s:%d/%s",
            settings.webhook_listen,
            settings.port,
            settings.webhook_path,
        )
        app.run_webhook(
            listen=settings.webhook_listen,
            port=settings.port,
            url_path=settings.webhook_path,
            webhook_url=settings.webhook_url,
            secret_token=settings.webhook_secret,
            allowed_updates=Update.ALL_TYPES,
            bootstrap_retries=-1,
        )
    else:
        logger.info("Starting with long polling; data in %s", settings.data_dir.resolve())
        app.run_polling(allowed_updates=Update.ALL_TYPES, bootstrap_retries=-1)
