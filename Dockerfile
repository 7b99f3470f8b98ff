FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DATABASE_PATH=/data/bot.sqlite3 \
    MPLCONFIGDIR=/tmp/matplotlib

# The digest's chart has Chinese and Russian titles: a font with CJK glyphs.
RUN apt-get update && apt-get install -y --no-install-recommends fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY storage ./storage
RUN pip install --no-cache-dir . \
    && useradd --create-home --uid 10001 bot \
    && mkdir /data && chown bot:bot /data

USER bot
VOLUME ["/data"]
CMD ["python", "-m", "bot"]
