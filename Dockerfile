# The Aixin image: one image, one `aixin` command for every process of the stack
# (compose.yaml runs it as `serve`, `worker`, `beat` and `projector`).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    AIXIN_DATA_DIR=/var/lib/aixin
RUN apt-get update \
    && apt-get install -y --no-install-recommends tzdata \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 aixin \
    && mkdir -p /var/lib/aixin \
    && chown aixin:aixin /var/lib/aixin
WORKDIR /app
COPY pyproject.toml README.md ./
COPY domain ./domain
COPY storage ./storage
COPY projections ./projections
COPY workers ./workers
COPY api ./api
COPY aixin ./aixin
RUN pip install . && aixin --help >/dev/null
USER aixin
EXPOSE 8000
ENTRYPOINT ["aixin"]
CMD ["serve", "--host", "0.0.0.0"]
