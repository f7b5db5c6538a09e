# syntax=docker/dockerfile:1
#
# The Switchboard gateway as a container image:
#
#   docker build -t switchboard-gateway .
#   docker run --rm -p 8080:8080 -e OPENAI_API_KEY switchboard-gateway
#
# Stage 1 builds the runnable jar with the Maven wrapper on a JDK; stage 2 runs it on a JRE only,
# as a non-root user. Tests are not run here: CI runs them on every change (./mvnw verify).

# ---- build ----------------------------------------------------------------------------------
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src

# The wrapper and every module's POM first, so that the dependency download is a cached layer
# that only changes with the POMs (the reactor needs all modules' POMs, even those it skips).
COPY mvnw ./
COPY .mvn/ .mvn/
COPY pom.xml ./
COPY bom/pom.xml bom/
COPY sdk-core/pom.xml sdk-core/
COPY sdk-providers/pom.xml sdk-providers/
COPY sdk-redis/pom.xml sdk-redis/
COPY gateway-server/pom.xml gateway-server/
COPY examples/pom.xml examples/
COPY benchmarks/pom.xml benchmarks/

# Then the sources of the modules the gateway is built from.
COPY sdk-core/src/ sdk-core/src/
COPY sdk-providers/src/ sdk-providers/src/
COPY sdk-redis/src/ sdk-redis/src/
COPY gateway-server/src/ gateway-server/src/

# The cache mount keeps ~/.m2 between builds without putting it into a layer.
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -ntp -pl gateway-server -am package -DskipTests \
 && cp gateway-server/target/switchboard-gateway.jar /switchboard-gateway.jar

# ---- runtime --------------------------------------------------------------------------------
FROM eclipse-temurin:17-jre

# curl for the HEALTHCHECK; a fixed non-root user that owns nothing but its home.
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 switchboard \
 && useradd --system --uid 10001 --gid switchboard --home-dir /app --shell /usr/sbin/nologin switchboard

WORKDIR /app
COPY --from=build /switchboard-gateway.jar /app/switchboard-gateway.jar

# JVM defaults sized for a container (the JVM reads the container's memory and CPU limits itself):
#   -XX:MaxRAMPercentage=60     heap up to 60% of the container's memory limit; the rest is for
#                               Netty's direct buffers (one per connection in flight), metaspace,
#                               thread stacks and the code cache
#   -XX:InitialRAMPercentage=60 take the heap at start: no resizing pauses under the first load
#   -XX:+UseG1GC                short pauses whatever the container size (the JVM would pick Serial
#                               GC below 2 CPUs or 1792 MB)
#   -XX:+ExitOnOutOfMemoryError die at once and let the orchestrator restart the instance
# Replace JAVA_OPTS to change them, e.g. -e JAVA_OPTS="-XX:MaxRAMPercentage=70".
ENV JAVA_OPTS="-XX:MaxRAMPercentage=60 -XX:InitialRAMPercentage=60 -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError" \
    PORT=8080

USER 10001:10001
EXPOSE 8080

HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD curl -fsS -o /dev/null "http://127.0.0.1:${PORT}/health/live" || exit 1

# exec: the JVM is PID 1 and gets SIGTERM itself, which drains in-flight calls before it exits.
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /app/switchboard-gateway.jar \"$@\"", "switchboard-gateway"]
