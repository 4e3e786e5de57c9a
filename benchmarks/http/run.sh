#!/usr/bin/env bash
# Throughput and p99 latency of manifest GET/HEAD by tag and manifest PUT: our server (tagimm serve, Release) against
# the CNCF reference registry (docker-registry, filesystem storage) on the same machine, measured with wrk.
# Usage: benchmarks/http/run.sh [seconds per run, default 10] [connections, default 16]
# Prints a Markdown table; needs dotnet, docker-registry, wrk, ab (Debian apache2-utils) and curl.
# HEAD is measured with ab -i: wrk 4.1's response parser waits for the body a HEAD response announces in its
# Content-Length (as RFC 9110 lets it) and never counts the request.
set -euo pipefail
cd "$(dirname "$0")/../.."
duration="${1:-10}"
connections="${2:-16}"
threads=2
here=benchmarks/http
work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

for tool in dotnet docker-registry wrk ab curl sha256sum; do
  command -v "$tool" >/dev/null || { echo "benchmarks/http/run.sh: $tool is not installed" >&2; exit 2; }
done

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null \
  || echo $(( 20000 + RANDOM % 20000 )); }

dotnet build -c Release src/TagImmutability.Cli -v quiet -nologo >/dev/null

ours_port="$(free_port)"
dotnet src/TagImmutability.Cli/bin/Release/net10.0/tagimm.dll serve --port "$ours_port" --create-on-push >"$work/ours.log" 2>&1 &
pids+=($!)

ref_port="$(free_port)"
cat >"$work/registry.yml" <<YAML
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  cache:
    blobdescriptor: inmemory
  filesystem:
    rootdirectory: $work/reference
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$ref_port
YAML
docker-registry serve "$work/registry.yml" >"$work/reference.log" 2>&1 &
pids+=($!)

for port in "$ours_port" "$ref_port"; do
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$port/v2/" >/dev/null && break
    sleep 0.2
  done
  curl -sf "http://127.0.0.1:$port/v2/" >/dev/null || { echo "registry on port $port did not start" >&2; cat "$work"/*.log >&2; exit 1; }
done

# One FROM scratch image: the empty-tar layer, a config with a maintainer label, an OCI manifest.
printf '\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff\x62\x18\x05\xa3\x60\x14\x8c\x58\x00\x08\x00\x00\xff\xff\x2e\xaf\xb5\xef\x00\x04\x00\x00' >"$work/layer"
printf '{"architecture":"amd64","os":"linux","config":{"Labels":{"maintainer":"benchmark"}},"rootfs":{"type":"layers","diff_ids":["sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef"]}}' >"$work/config"
digest() { echo "sha256:$(sha256sum "$1" | cut -d' ' -f1)"; }
size() { wc -c <"$1" | tr -d ' '; }
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":%s}]}' \
  "$(digest "$work/config")" "$(size "$work/config")" "$(digest "$work/layer")" "$(size "$work/layer")" >"$work/manifest"

push() { # base-url
  for blob in layer config; do
    location="$(curl -sf -X POST -D - -o /dev/null "$1/v2/bench/app/blobs/uploads/" | tr -d '\r' | awk 'tolower($1)=="location:"{print $2}')"
    case "$location" in http*) ;; *) location="$1$location" ;; esac
    case "$location" in *\?*) sep='&' ;; *) sep='?' ;; esac
    curl -sf -X PUT -H 'Content-Type: application/octet-stream' --data-binary "@$work/$blob" "$location${sep}digest=$(digest "$work/$blob")" >/dev/null
  done
  curl -sf -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' --data-binary "@$work/manifest" "$1/v2/bench/app/manifests/latest" >/dev/null
}
push "http://127.0.0.1:$ours_port"
push "http://127.0.0.1:$ref_port"

export MANIFEST="$work/manifest"
measure() { # name port script -> "rps p99 errors"
  local url="http://127.0.0.1:$2/v2/bench/app/manifests/latest"
  wrk -t"$threads" -c"$connections" -d3s -s "$here/$3" "$url" >/dev/null  # warm-up (JIT, caches)
  wrk -t"$threads" -c"$connections" -d"${duration}s" --latency -s "$here/$3" "$url" >"$work/$1.txt"
  local rps p99 errors
  rps="$(awk '/^Requests\/sec:/{print $2}' "$work/$1.txt")"
  p99="$(awk '$1=="99%"{print $2}' "$work/$1.txt")"
  errors="$(awk '/Non-2xx or 3xx responses:/{print $5}' "$work/$1.txt")"
  echo "$rps $p99 ${errors:-0}"
}

measure_head() { # name port -> "rps p99 errors" with ab (HTTP/1.0 keep-alive, one client thread)
  local url="http://127.0.0.1:$2/v2/bench/app/manifests/latest"
  local accept="Accept: application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json"
  ab -q -i -k -c "$connections" -t 3 -n 100000000 -H "$accept" "$url" >/dev/null 2>&1 || true  # warm-up
  ab -q -i -k -c "$connections" -t "$duration" -n 100000000 -H "$accept" "$url" >"$work/$1.txt" 2>&1
  local rps p99 errors
  rps="$(awk '/^Requests per second:/{print $4}' "$work/$1.txt")"
  p99="$(awk '$1=="99%"{print $2 "ms"}' "$work/$1.txt")"
  errors="$(awk '/^Non-2xx responses:/{print $3} /^Failed requests:/{f=$3} END{}' "$work/$1.txt" | head -1)"
  echo "$rps $p99 ${errors:-0}"
}

echo "| Request | tagimm serve (req/s, p99) | docker-registry 2.8 (req/s, p99) | Throughput ratio |"
echo "|---|---:|---:|---:|"
for op in "GET manifest by tag (wrk):get.lua" "HEAD manifest by tag (ab -i):head" "PUT manifest, re-push (wrk):put.lua"; do
  name="${op%%:*}"; script="${op##*:}"
  if [ "$script" = head ]; then
    read -r ours_rps ours_p99 ours_err <<<"$(measure_head ours-head "$ours_port")"
    read -r ref_rps ref_p99 ref_err <<<"$(measure_head ref-head "$ref_port")"
  else
    read -r ours_rps ours_p99 ours_err <<<"$(measure "ours-$script" "$ours_port" "$script")"
    read -r ref_rps ref_p99 ref_err <<<"$(measure "ref-$script" "$ref_port" "$script")"
  fi
  if [ "$ours_err" != 0 ] || [ "$ref_err" != 0 ]; then
    echo "$name: non-2xx answers (ours $ours_err, reference $ref_err)" >&2
    exit 1
  fi
  ratio="$(awk -v a="$ours_rps" -v b="$ref_rps" 'BEGIN{printf "%.2fx", a/b}')"
  echo "| $name | $(printf '%.0f' "$ours_rps"), $ours_p99 | $(printf '%.0f' "$ref_rps"), $ref_p99 | $ratio |"
done
echo
echo "wrk -t$threads -c$connections -d${duration}s --latency and ab -i -k -c$connections -t$duration, after a 3 s warm-up each; $(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ)"
