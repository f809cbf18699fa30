#!/usr/bin/env bash
# Benchmark 4: documents in and out, 1 MiB and 100 MiB (BIG_MiB), through the API with
# the SQL file store (chunks in PostgreSQL) and the directory store, beside nginx
# serving the same file from disk (sendfile) and PostgreSQL sending the stored chunks
# to psql (the SQL store's own limit), one transfer at a time, the sides
# alternating BENCH_ROUNDS times (medians quoted); and the node's peak memory above
# idle while it transfers.
#
# Usage: scripts/bench/files.sh [BIG_MiB]
source "$(dirname "$0")/lib.sh"
command -v nginx >/dev/null || { echo "bench: nginx is needed (apt-get install nginx-light)" >&2; exit 2; }
big_mib=${1:-100}
bench_build

make_pdf() { # MiB file: random bytes behind a PDF header, so nothing compresses
  { printf '%%PDF-1.7\n'; head -c $(( $1 * 1024 * 1024 - 9 )) /dev/urandom; } >"$2"
}
mkdir -p "$BENCH_WORK/www"
# nginx's workers run as an unprivileged user: let them read the files it serves.
chmod o+rx "$BENCH_WORK" "$BENCH_WORK/www"
make_pdf "$big_mib" "$BENCH_WORK/www/big.pdf"
make_pdf 1 "$BENCH_WORK/www/small.pdf"

nginx_port=18190
cat >"$BENCH_WORK/nginx.conf" <<CONF
worker_processes auto;
pid $BENCH_WORK/nginx.pid;
error_log $BENCH_WORK/nginx-error.log;
events {}
http {
  sendfile on;
  tcp_nopush on;
  access_log off;
  server { listen 127.0.0.1:$nginx_port; root $BENCH_WORK/www; }
}
CONF
nginx -c "$BENCH_WORK/nginx.conf" -p "$BENCH_WORK" -g 'daemon off;' &
BENCH_NODES+=($!)

kib() { awk -v key="$2:" '$1 == key { print $2 }' "/proc/$1/status"; }
mib_per_s() { awk -v bytes="$1" -v seconds="$2" 'BEGIN { printf "%.0f", bytes / 1048576 / seconds }'; }
seconds() { curl -fsS -o /dev/null -w '%{time_total}' "$@"; }

url=$(bench_database files)
declare -A base token document node
for store in sql directory; do
  port=$([ $store = sql ] && echo 18191 || echo 18192)
  base[$store]="http://127.0.0.1:$port"
  bench_start_node "$port" "$url" PRACTICA_FILE_BACKEND=$store PRACTICA_FILE_DIRECTORY="$BENCH_WORK/files" \
    PRACTICA_MAX_UPLOAD_BYTES=$(( 2 * 1024 * 1024 * 1024 )) PRACTICA_NODE_ID="bench-$store"
  node[$store]=$BENCH_NODE
  admin=$(bench_login "${base[$store]}" admin "$BENCH_ADMIN_PASSWORD")
  token[$store]=$(bench_user "${base[$store]}" "$admin" "desk-$store" front_desk)
done
patient=$(bench_patient "${base[sql]}" "${token[sql]}" Bench Mark)

# why: the sign-ins' password hashing peaks above any transfer; forget that peak.
for store in sql directory; do echo 5 >"/proc/${node[$store]}/clear_refs"; done
declare -A idle
for store in sql directory; do idle[$store]=$(kib "${node[$store]}" VmRSS); done

: >"$BENCH_WORK/figures"
for round in $(seq 1 "$BENCH_ROUNDS"); do
  for file in big small; do
    bytes=$(stat -c %s "$BENCH_WORK/www/$file.pdf")
    echo "nginx $file down $(mib_per_s "$bytes" "$(seconds "http://127.0.0.1:$nginx_port/$file.pdf")")" >>"$BENCH_WORK/figures"
    for store in sql directory; do
      auth="authorization: Bearer ${token[$store]}"
      # A fresh title each time makes a fresh document; -T streams the file from disk.
      up=$(curl -fsS -o "$BENCH_WORK/doc.json" -w '%{time_total}' -H "$auth" -X POST -H 'content-type: application/pdf' \
        -T "$BENCH_WORK/www/$file.pdf" "${base[$store]}/api/v1/patients/$patient/documents?title=$file-$round&category=imaging")
      id=$(jq -r .id "$BENCH_WORK/doc.json")
      down=$(seconds -H "$auth" "${base[$store]}/api/v1/documents/$id/content")
      echo "$store $file up $(mib_per_s "$bytes" "$up")" >>"$BENCH_WORK/figures"
      echo "$store $file down $(mib_per_s "$bytes" "$down")" >>"$BENCH_WORK/figures"
      if [ "$store" = sql ]; then
        # The SQL store's own limit: PostgreSQL sending the same chunks to psql.
        started=$(date +%s.%N)
        psql -q "$url" -c "COPY (SELECT c.bytes FROM blob_chunks c JOIN blobs b ON b.id = c.blob_id
            JOIN documents d ON d.sha256 = b.sha256 WHERE d.id = '$id' ORDER BY c.chunk_index)
            TO STDOUT (FORMAT binary)" >/dev/null
        alone=$(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN { print e - s }')
        echo "postgres $file down $(mib_per_s "$bytes" "$alone")" >>"$BENCH_WORK/figures"
      fi
    done
  done
done

median_of() { awk -v s="$1" -v f="$2" -v d="$3" '$1 == s && $2 == f && $3 == d { print $4 }' "$BENCH_WORK/figures" | bench_median; }
echo "files: ${big_mib} MiB and 1 MiB, $(nproc) cores, medians of $BENCH_ROUNDS rounds (MiB/s)"
printf '%-10s %-8s %10s %10s %16s\n' side file upload download "download / nginx"
for file in big small; do
  nginx_down=$(median_of nginx $file down)
  printf '%-10s %-8s %10s %10s %16s\n' nginx "$file" - "$nginx_down" 1.00
  printf '%-10s %-8s %10s %10s %16s\n' "psql COPY" "$file" - "$(median_of postgres $file down)" \
    "$(awk -v a="$(median_of postgres $file down)" -v b="$nginx_down" 'BEGIN { printf "%.2f", a / b }')"
  for store in sql directory; do
    down=$(median_of $store $file down)
    printf '%-10s %-8s %10s %10s %16s\n' "$store" "$file" "$(median_of $store $file up)" "$down" \
      "$(awk -v a="$down" -v b="$nginx_down" 'BEGIN { printf "%.2f", a / b }')"
  done
done
for store in sql directory; do
  peak=$(kib "${node[$store]}" VmHWM)
  printf '%-10s peak RSS %d MiB, idle %d MiB: %d MiB above idle (target: under 64)\n' "$store" \
    $(( peak / 1024 )) $(( ${idle[$store]} / 1024 )) $(( (peak - ${idle[$store]}) / 1024 ))
done
