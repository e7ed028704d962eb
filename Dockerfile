# The Aixin image: one image, one `aixin` command for every process of the stack.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update && apt-get install -y --no-install-recommends tzdata \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 aixin
WORKDIR /app
COPY pyproject.toml README.md ./
COPY domain ./domain
COPY projections ./projections
COPY workers ./workers
COPY api ./api
COPY aixin ./aixin
RUN pip install --no-cache-dir .
USER aixin
ENTRYPOINT ["aixin"]
CMD ["serve", "--host", "0.0.0.0"]
