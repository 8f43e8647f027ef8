#!/usr/bin/env bash
# Deploys the demo WAR to a standalone Jetty 12 and runs it in the foreground on 127.0.0.1:
#   1. builds demo-webapp/target/*.war (skip with --no-build),
#   2. fetches org.eclipse.jetty:jetty-home:12.1.8:tar.gz from Maven Central (mvn dependency:copy) and
#      unpacks it under target/jetty-standalone/,
#   3. copies the Jetty base src/jetty/base to target/jetty-standalone/base, enables the modules
#      http, ee10-deploy and ee10-annotations (without ee10-annotations Spring never starts: its
#      ServletContainerInitializer is found by annotation scanning), and drops the WAR in as ROOT.war,
#   4. starts Jetty (Ctrl-C stops it).
# Usage: src/jetty/deploy.sh [--port N] [--no-build] [-Dloopbridge.demo.virtualThreads=true] [-Dname=value ...]
#   (or JETTY_HTTP_PORT=N). Every -D goes to the JVM running Jetty (the demo's knobs, see the README);
#   -Dloopbridge.demo.virtualThreads=true also enables Jetty's module threadpool-virtual, so every request
#   runs on a new virtual thread (JDK 21+: the java on PATH, or JAVA_HOME's).
set -euo pipefail

jetty_version=12.1.8
root="$(cd "$(dirname "$0")/../.." && pwd)"
port="${JETTY_HTTP_PORT:-8080}"
build=yes
jvm_properties=()
modules=http,ee10-deploy,ee10-annotations
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port="$2"; shift 2 ;;
    --no-build) build=no; shift ;;
    -Dloopbridge.demo.virtualThreads=true) jvm_properties+=("$1"); modules="$modules,threadpool-virtual"; shift ;;
    -D*=*) jvm_properties+=("$1"); shift ;;
    *) echo "deploy.sh: unknown argument '$1' (expected --port N, --no-build or -Dname=value)" >&2; exit 2 ;;
  esac
done
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
if [[ ",$modules," == *,threadpool-virtual,* ]]; then
  jdk="$("$java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')"
  if [ "${jdk:-0}" -lt 21 ]; then
    echo "deploy.sh: -Dloopbridge.demo.virtualThreads=true needs JDK 21 or newer, and $java is $jdk: set JAVA_HOME to a JDK 21+, or drop the property" >&2
    exit 2
  fi
fi

work="$root/target/jetty-standalone"
home="$work/jetty-home-$jetty_version"
base="$work/base"
mkdir -p "$work"

if [ "$build" = yes ]; then
  echo "deploy.sh: building the demo WAR"
  mvn -B -ntp -q -f "$root/pom.xml" -pl demo-webapp -am -DskipTests package
fi
war="$(ls "$root"/demo-webapp/target/loopbridge-demo-webapp-*.war 2>/dev/null | head -n 1 || true)"
if [ -z "$war" ]; then
  echo "deploy.sh: no WAR in demo-webapp/target/: run without --no-build" >&2
  exit 1
fi

if [ ! -f "$home/start.jar" ]; then
  echo "deploy.sh: fetching jetty-home $jetty_version from Maven Central"
  mvn -B -ntp -q -f "$root/pom.xml" -N org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
    -Dartifact="org.eclipse.jetty:jetty-home:$jetty_version:tar.gz" -DoutputDirectory="$work" -Dmdep.overWriteReleases=true
  tar -xzf "$work/jetty-home-$jetty_version.tar.gz" -C "$work"
fi

rm -rf "$base"
cp -R "$root/src/jetty/base" "$base"
cd "$base"
"$java" -jar "$home/start.jar" jetty.home="$home" jetty.base="$base" --add-modules="$modules"
cp "$war" "$base/webapps/ROOT.war"

echo "deploy.sh: starting Jetty $jetty_version on http://127.0.0.1:$port/ (base $base, modules $modules)"
exec "$java" ${jvm_properties[@]+"${jvm_properties[@]}"} -jar "$home/start.jar" jetty.home="$home" jetty.base="$base" \
  jetty.http.host=127.0.0.1 jetty.http.port="$port" jetty.threadPool.virtual.namePrefix=jetty-vt-
