# The API image for production: talks to Neo4j through NEO4J_URI (see docker-compose.yml).
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY stakegraph ./stakegraph
RUN pip install --no-cache-dir .
ENV STAKEGRAPH_HOME=/data
EXPOSE 8000
CMD ["stakegraph", "serve", "--host", "0.0.0.0", "--port", "8000"]
