"""Advisory bot for the 互联网营销师 and 全媒体运营师 certificates."""
