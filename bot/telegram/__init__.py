"""The Telegram adapter: python-telegram-bot v22 over the core (knowledge, matcher, choice).

Nothing outside this package imports ``telegram``; see ``app.build_application``.
"""
