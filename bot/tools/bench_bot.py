"""The bot process of ``bench --e2e``, in a module of its own.

The benchmark starts it with multiprocessing's "spawn", which imports the module holding the
target function in the child: here that is this one, so the child loads what the bot loads and
not the benchmark's fake server (some 16 MB that would count as the bot's memory).
"""

from __future__ import annotations

import logging
import resource
import signal
from multiprocessing.connection import Connection
from typing import Any

TOKEN = "100000001:AAE-e2e_benchmark_token_not_a_real_one"
GROUP_ID = -1001000000001  # the benchmark's big group, where every message is weighed


def bot_process(base_url: str, data_dir: str, knowledge_dir: str, report: Connection) -> None:
    """The bot, in a child process: long polling until SIGTERM; then its peak memory."""
    from telegram import Update

    from ..choose import load_flow
    from ..knowledge import load_knowledge
    from ..settings import load_settings
    from ..storage import Storage
    from ..telegram import logs
    from ..telegram.app import build_application
    from ..telegram.group_policy import AUTO_KEY

    env = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": base_url, "DATA_DIR": data_dir}
    settings = load_settings(env, env_file=None)
    logs.protect(settings.token)
    logs.configure(logging.WARNING)
    knowledge = load_knowledge(knowledge_dir)
    storage = Storage.in_dir(data_dir)
    storage.set_chat_setting(GROUP_ID, AUTO_KEY, True)  # every message weighed, as in a big group
    storage.close()
    # throttle=False: the fake server has no flood limits to keep to.
    app = build_application(
        settings, knowledge, load_flow(knowledge_dir, knowledge), throttle=False
    )
    signed_in = app.post_init

    async def ready(application: Any) -> None:
        if signed_in is not None:
            await signed_in(application)
        report.send(cpu_seconds())  # what start-up cost, to leave out of the per-update CPU

    app.post_init = ready
    app.run_polling(
        poll_interval=0, allowed_updates=Update.ALL_TYPES, stop_signals=[signal.SIGTERM]
    )
    report.send((cpu_seconds(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
