# Build stage: a C compiler, so that setup.py can compile the moderation pipeline with mypyc.
FROM python:3.11-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pyproject.toml setup.py README.md ./
COPY app ./app
COPY rooms ./rooms
COPY moderation ./moderation
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

# Run stage: the wheels only, no compiler.
FROM python:3.11-slim
WORKDIR /srv/peerchat
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index /wheels/*.whl && rm -rf /wheels
ENV PEERCHAT_HOST=0.0.0.0 PEERCHAT_PORT=8000
EXPOSE 8000
USER nobody
CMD ["peerchat", "serve"]
