"""Tools around the bot, not used while it runs: kb check, the benchmarks, the fake Bot API."""
