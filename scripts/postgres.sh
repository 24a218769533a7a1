#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests, on a loopback port, from
# Debian's postgresql package (no containers).
#
#   bash scripts/postgres.sh start DIR   # makes and starts a cluster in DIR; prints its URL
#   bash scripts/postgres.sh stop DIR    # stops it (a fast shutdown)
#   bash scripts/postgres.sh resume DIR  # starts a stopped cluster again, on its port
#
# The cluster trusts loopback connections of the user `docrec` (tests
# only), and serves TLS too, with a certificate for 127.0.0.1 signed by a
# CA made for it (DIR/ca.pem: clients verify it with
# `sslmode=verify-full&sslrootcert=DIR/ca.pem`). As root, the server runs
# as the `postgres` user (initdb refuses root), so DIR is handed to it.
set -euo pipefail

command_name=${1:?start, stop or resume}
dir=${2:?the cluster directory}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bin/pg_ctl" ] || { echo "PostgreSQL is not installed (Debian's postgresql package)" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# A CA (DIR/ca.pem) and the server's certificate for 127.0.0.1, signed
# by it, in the data directory where ssl=on finds them.
make_certificates() {
  local tls="$dir/tls"
  mkdir -p "$tls"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj "/CN=docrec test CA" -keyout "$tls/ca.key" -out "$dir/ca.pem" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -subj "/CN=127.0.0.1" -keyout "$tls/server.key" -out "$tls/server.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1\n' >"$tls/san"
  openssl x509 -req -in "$tls/server.csr" -CA "$dir/ca.pem" -CAkey "$tls/ca.key" \
    -CAcreateserial -days 2 -extfile "$tls/san" -out "$dir/data/server.crt" 2>/dev/null
  cp "$tls/server.key" "$dir/data/server.key"
  chmod 0600 "$dir/data/server.key"
  [ "$(id -u)" -eq 0 ] && chown postgres "$dir/data/server.crt" "$dir/data/server.key"
  return 0
}

start_server() {
  local port
  port=$(cat "$dir/port")
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=200 -c ssl=on" start >/dev/null
}

case "$command_name" in
  start)
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -U docrec -A trust -E UTF8 --no-locale >/dev/null
    make_certificates
    # A random port nothing listens on, below the kernel's ephemeral range
    # (32768 and up on Debian): a `resume` needs the same port again, and
    # an outgoing connection's local port, taken from that range, could
    # hold it meanwhile. Another process may still take it first, so a
    # failed start tries another.
    lowest_ephemeral=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
    for _ in 1 2 3 4 5; do
      port=$((10000 + RANDOM % (lowest_ephemeral - 10000)))
      (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue
      echo "$port" >"$dir/port"
      if start_server; then
        echo "postgres://docrec@127.0.0.1:$port/postgres"
        exit 0
      fi
    done
    echo "could not start PostgreSQL; its log:" >&2
    cat "$dir/log" >&2
    exit 1
    ;;
  stop)
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    ;;
  resume)
    start_server
    ;;
  *)
    echo "usage: $0 start|stop|resume DIR" >&2
    exit 2
    ;;
esac
