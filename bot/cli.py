"""Command line: ask, chat, kb check, eval, bench, choose and run.

Usage:
    python -m bot ask "互联网营销师工资多少"      # the reply as a person reads it
    python -m bot ask --json "问题"              # one JSON object
    python -m bot ask --json < questions.txt     # one JSON object per input line
    python -m bot chat                           # a conversation in the terminal
    python -m bot kb check                       # validate the knowledge files
    python -m bot kb model                       # train the text model and ship it
    python -m bot eval                           # accuracy on tests/eval/questions.yaml
    python -m bot bench                          # latency, start-up time and memory
    python -m bot bench --e2e                    # the whole bot under load, end to end
    python -m bot choose --answers 1,2,1,1,1,3,2  # the guided choice, non-interactively
    python -m bot learned list|export|drop ID    # what the owners taught (DATA_DIR/learned.yaml)
    python -m bot run                            # Telegram if a token is set, else chat
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .knowledge import DEFAULT_DIR, Knowledge, KnowledgeError, load_knowledge
from .matcher import Matcher, Reply
from .render import render_text

if TYPE_CHECKING:
    from .choose import Flow


def load_or_exit(root: Path | str = DEFAULT_DIR) -> Knowledge:
    """Load the knowledge or print each problem and exit non-zero, never with a traceback."""
    try:
        return load_knowledge(root)
    except KnowledgeError as exc:
        print("知识库有错误，无法启动：", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        raise SystemExit(1) from None


def load_flow_or_exit(root: Path | str, knowledge: Knowledge) -> Flow:
    """Load the guided-choice flow or print each problem and exit non-zero."""
    from .choose import load_flow

    try:
        return load_flow(root, knowledge)
    except KnowledgeError as exc:
        print("选择流程有错误，无法启动：", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        raise SystemExit(1) from None


def reply_json(knowledge: Knowledge, reply: Reply) -> dict[str, Any]:
    """The ask --json contract: query, answer, entry_id, score, suggestions, and the reasons
    for the decision (why it answered that entry, or why it fell back)."""
    return {
        "query": reply.query,
        "answer": render_text(knowledge, reply),
        "entry_id": reply.entry_id,
        "score": reply.score,
        "suggestions": [{"entry_id": e.id, "question": e.question} for e in reply.suggestions],
        "reasons": list(reply.reasons),
    }


def cmd_ask(args: argparse.Namespace) -> int:
    knowledge = load_or_exit(args.knowledge)
    matcher = Matcher(knowledge)
    if args.question:
        questions: Sequence[str] = [" ".join(args.question)]
    elif args.json:
        questions = (line.rstrip("\r\n") for line in sys.stdin)  # type: ignore[assignment]
    else:
        print('用法：python -m bot ask "您的问题"', file=sys.stderr)
        return 2
    for question in questions:
        reply = matcher.ask(question)
        if args.json:
            print(json.dumps(reply_json(knowledge, reply), ensure_ascii=False), flush=False)
        else:
            print(render_text(knowledge, reply))
    sys.stdout.flush()
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    from .terminal import run_chat

    knowledge = load_or_exit(args.knowledge)
    return run_chat(knowledge, flow=load_flow_or_exit(args.knowledge, knowledge))


def learned_file(given: str | None) -> Path:
    """The learned file named on the command line, else DATA_DIR's (settings from env/.env)."""
    from .learned import learned_path
    from .settings import SettingsError, load_settings

    if given:
        return Path(given)
    try:
        return learned_path(load_settings().data_dir)
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        raise SystemExit(2) from None


def cmd_kb(args: argparse.Namespace) -> int:
    from .tools.kbcheck import check, check_learned

    knowledge = load_or_exit(args.knowledge)
    status = check(knowledge, args.knowledge)
    return check_learned(knowledge, learned_file(args.learned)) or status


def cmd_kb_model(args: argparse.Namespace) -> int:
    """Train the text model on the knowledge and its labelled questions, and keep it in the
    knowledge folder, where a first start reads it instead of training it again."""
    from .textmodel import FILE

    knowledge = load_or_exit(args.knowledge)
    path = Path(args.knowledge) / FILE
    model = Matcher(knowledge, model_file=path).text_model
    print(f"{path}：{'已是最新' if model.read_from else '已重新训练并写入'}")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from .tools.evaluate import DEFAULT_FILE, run_eval

    knowledge = load_or_exit(args.knowledge)
    taught = None
    if args.learned:
        from .learned import read_learned
        from .taught import Taught

        learned = read_learned(args.learned, knowledge)
        if learned.problems:
            print("\n".join(learned.problems), file=sys.stderr)
            return 2
        leave_out = Path(args.file).stem if args.file else DEFAULT_FILE.stem
        taught = Taught(Matcher(knowledge, leave_out=leave_out), learned.teachings)
    return run_eval(knowledge, args.file, verbose=args.verbose, taught=taught)


def cmd_learned(args: argparse.Namespace) -> int:
    from .tools import learnedcmd

    knowledge = load_or_exit(args.knowledge)
    path = learned_file(args.file)
    if args.learned_command == "list":
        return learnedcmd.cmd_list(path, knowledge)
    if args.learned_command == "export":
        return learnedcmd.cmd_export(path, knowledge)
    if args.learned_command == "drop":
        return learnedcmd.cmd_drop(path, knowledge, args.id)
    return learnedcmd.cmd_from_eval(path, knowledge, Path(args.source))


def cmd_fit(args: argparse.Namespace) -> int:
    from .tools.fit import run_fit

    return run_fit(load_or_exit(args.knowledge), args.write)


def cmd_bench(args: argparse.Namespace) -> int:
    if args.e2e:
        from .tools.bench_e2e import run_e2e

        # Four times the questions of one measurement (2000 by default): a steadier p99.
        return run_e2e(args.knowledge, updates=args.queries * 4)
    from .tools.bench import run_bench

    return run_bench(args.knowledge, entries=args.entries, queries=args.queries)


def cmd_choose(args: argparse.Namespace) -> int:
    from .choose import ChoiceInputError, ChooseEngine

    parts = [p.strip() for p in args.answers.replace("，", ",").split(",")]
    if not all(p.isascii() and p.isdigit() for p in parts):
        print(
            "错误：--answers 要写成用逗号分隔的选项序号，例如 --answers 1,1,4,3,1,4,2",
            file=sys.stderr,
        )
        return 2
    knowledge = load_or_exit(args.knowledge)
    flow = load_flow_or_exit(args.knowledge, knowledge)
    engine = ChooseEngine(flow, knowledge, Matcher(knowledge))
    try:
        result = engine.answer_numbers([int(p) for p in parts])
    except ChoiceInputError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    print(json.dumps(result.to_json(), ensure_ascii=False) if args.json else result.text)
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    """Telegram when TELEGRAM_BOT_TOKEN is set (environment or .env), else the terminal chat."""
    import io

    from .settings import SettingsError, load_settings

    try:
        settings = load_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    knowledge = load_or_exit(args.knowledge)
    flow = load_flow_or_exit(args.knowledge, knowledge)
    if not settings.token:
        from .terminal import run_chat

        print("未配置 TELEGRAM_BOT_TOKEN，现在启动终端对话。")
        print(
            "要连接 Telegram：在 Telegram 里找 @BotFather 发送 /newbot 创建机器人，"
            "把它给的令牌写进 .env：TELEGRAM_BOT_TOKEN=<令牌>，再运行 make run"
            "（详见 README 的 Telegram 一节）。"
        )
        # With stdin closed (a service without a terminal) sys.stdin is None: end of input.
        return run_chat(knowledge, stdin=sys.stdin or io.StringIO(), flow=flow)

    from telegram.error import InvalidToken, NetworkError

    from .storage import StorageError
    from .telegram.app import SignInError, run

    try:
        run(settings, knowledge, flow)
    except StorageError as exc:
        print(f"无法启动：{exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # e.g. the webhook's PORT is taken
        print(f"无法启动：{exc.strerror or exc}（PORT={settings.port}）", file=sys.stderr)
        return 1
    except InvalidToken:
        print(
            "配置错误：TELEGRAM_BOT_TOKEN 被 Telegram 拒绝了，请到 @BotFather 核对或重新生成令牌。",
            file=sys.stderr,
        )
        return 2
    except SignInError as exc:
        print(
            f"配置错误：读不懂 {settings.api_base_url} 对登录（getMe）的回答，"
            f"请检查 TELEGRAM_API_BASE_URL 是否指向 Bot API 服务器（{exc}）",
            file=sys.stderr,
        )
        return 2
    except NetworkError as exc:  # before sign-in: Telegram out of reach; a restart may help
        print(f"无法启动：连不上 Telegram（{exc}）", file=sys.stderr)
        return 1
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--knowledge", default=str(DEFAULT_DIR), help="folder with the knowledge YAML files"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    ask = sub.add_parser("ask", help="answer one question (or stdin lines with --json)")
    ask.add_argument("--json", action="store_true", help="print JSON")
    ask.add_argument("question", nargs="*")
    ask.set_defaults(func=cmd_ask)

    chat = sub.add_parser("chat", help="talk to the bot in the terminal")
    chat.set_defaults(func=cmd_chat)

    kb = sub.add_parser("kb", help="knowledge tools")
    kb_sub = kb.add_subparsers(dest="kb_command", required=True)
    kb_check = kb_sub.add_parser("check", help="validate the knowledge files")
    kb_check.add_argument(
        "--learned", default=None, help="the owners' teachings (default DATA_DIR/learned.yaml)"
    )
    kb_check.set_defaults(func=cmd_kb)
    kb_model = kb_sub.add_parser(
        "model", help="train the text model and ship it with the knowledge (after editing it)"
    )
    kb_model.set_defaults(func=cmd_kb_model)

    ev = sub.add_parser("eval", help="accuracy on the evaluation questions")
    ev.add_argument("--file", default=None, help="questions YAML (default tests/eval)")
    ev.add_argument("-v", "--verbose", action="store_true", help="show every question")
    ev.add_argument("--learned", default=None, help="answer through this learned.yaml's teachings")
    ev.set_defaults(func=cmd_eval)

    learned = sub.add_parser("learned", help="what the owners taught (DATA_DIR/learned.yaml)")
    learned.add_argument("--file", default=None, help="the learned file (default in DATA_DIR)")
    learned_sub = learned.add_subparsers(dest="learned_command", required=True)
    learned_sub.add_parser("list", help="every taught phrasing with its id")
    learned_sub.add_parser("export", help="print them as YAML for knowledge/entries/")
    drop = learned_sub.add_parser("drop", help="remove one taught phrasing")
    drop.add_argument("id", help="its id, e.g. t3")
    from_eval = learned_sub.add_parser(
        "from-eval", help="teach every failure of a labelled set (never a blind holdout)"
    )
    from_eval.add_argument("source", help="an evaluation YAML, e.g. tests/eval/qa5.yaml")
    learned.set_defaults(func=cmd_learned)

    fit = sub.add_parser("fit", help="fit the answer confidence on the labelled sets")
    fit.add_argument("--write", action="store_true", help="save knowledge/confidence.yaml")
    fit.set_defaults(func=cmd_fit)

    bench = sub.add_parser("bench", help="latency, start-up and memory")
    bench.add_argument("--entries", type=int, default=10_000, help="size of the generated base")
    bench.add_argument("--queries", type=int, default=500, help="questions per measurement")
    bench.add_argument(
        "--e2e", action="store_true", help="the real bot through the fake Bot API server, loaded"
    )
    bench.set_defaults(func=cmd_bench)

    choose = sub.add_parser("choose", help="the guided choice, answered by option numbers")
    choose.add_argument(
        "--answers", default="", help="1-based option numbers, one per step taken: 1,3,2,..."
    )
    choose.add_argument("--json", action="store_true", help="print JSON")
    choose.set_defaults(func=cmd_choose)

    run = sub.add_parser("run", help="run the bot (Telegram when configured, else terminal)")
    run.set_defaults(func=cmd_run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m bot``."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
