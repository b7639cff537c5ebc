# The watchkeeper server: a slim image that runs as a non-root user.
#   docker build -t watchkeeper .
#   docker run -p 8000:8000 -e WATCHKEEPER_DATABASE_URL=... watchkeeper
# docs/deployment.md describes the compose stack (server, PostgreSQL, Prometheus, Grafana).

FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    WATCHKEEPER_DATABASE_URL=sqlite:////data/watchkeeper.db
COPY --from=build /wheels /wheels
RUN pip install "$(ls /wheels/watchkeeper-*.whl)[server,postgres]" && rm -rf /wheels \
    && groupadd --system --gid 10001 watchkeeper \
    && useradd --system --uid 10001 --gid watchkeeper --home-dir /data --create-home watchkeeper
USER 10001:10001
WORKDIR /data
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --retries=5 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"
ENTRYPOINT ["watchkeeper"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
