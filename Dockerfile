FROM python:3.11-slim
WORKDIR /srv/peerchat
COPY pyproject.toml README.md ./
COPY app ./app
COPY rooms ./rooms
COPY moderation ./moderation
RUN pip install --no-cache-dir .
ENV PEERCHAT_HOST=0.0.0.0 PEERCHAT_PORT=8000
EXPOSE 8000
USER nobody
CMD ["peerchat", "serve"]
