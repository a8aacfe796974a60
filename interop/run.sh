#!/usr/bin/env bash
# interop/run.sh [SERVER...]: the S3 live specs against real S3 servers.
#
# For each server (default: all of versitygw, minio, gofakes3) it installs
# the pinned version with `go install` into $INTEROP_CACHE/bin (skipped when
# that exact version is already there), starts it on 127.0.0.1 with a fresh
# data directory, waits for it to answer HTTP, runs
# `runner run --vendor s3` against it, then `runner explore` with a fixed
# seed and a small budget (judged by interop/baselines/<server>-explore.txt;
# <server>-explore.json, .out and <server>-explore/ hold its results,
# output and recordings of shrunk failures), and stops it by its process id.
#
# Reports land in reports/interop/ (not tracked): <server>.xml (JUnit),
# <server>.json (every spec's outcome, for runner matrix), <server>.out
# (the runner's output), <server>.log (the server's own log), <server>/
# (every exchange, redacted), and compatibility.md and .html, the matrix
# of the servers that ran. With INTEROP_PUBLISH=1 (make interop-publish)
# the matrix also replaces the committed reports/compatibility.md, when
# every server ran. The keys are the AWS documentation's example keys; the
# secret is masked in everything kept all the same.
#
# Each run is judged against interop/baselines/<server>.txt with
# --strict-baseline: a failed or unsupported spec the baseline does not
# accept fails the run, and so does an entry whose outcome no longer
# occurs, so every deviation stays visible and a change in one is news.
#
# Exit status: 0 when every server's run matched its baseline, 1 when one
# did not, 2 when the script itself could not do its job (an install, a
# start, a bad baseline).
set -euo pipefail
cd "$(dirname "$0")/.."

GO=${GO:-go}
CACHE=${INTEROP_CACHE:-$PWD/.cache/interop}
OUT=${INTEROP_REPORTS:-reports/interop}
START_TIMEOUT=${INTEROP_START_TIMEOUT:-120} # seconds a server may take to answer
RUN_TIMEOUT=${INTEROP_RUN_TIMEOUT:-900}     # seconds one server's run may take
EXPLORE_SEED=${INTEROP_EXPLORE_SEED:-1000}   # runner explore: a fixed seed,
EXPLORE_REQUESTS=${INTEROP_EXPLORE_REQUESTS:-500} # and a small budget
BIN=$CACHE/bin
PUBLISH=${INTEROP_PUBLISH:-0} # 1: update the committed reports/compatibility.md

# The pins: what `go install` builds, and the module and version that
# `go version -m` must show for an installed binary to be reused.
# MinIO tags no semver releases: its version is the pseudo-version
# `go list -m github.com/minio/minio@latest` resolved to on 2026-02-12.
declare -A PKG=(
	[versitygw]=github.com/versity/versitygw/cmd/versitygw
	[minio]=github.com/minio/minio
	[gofakes3]=github.com/johannesboyne/gofakes3/cmd/gofakes3
)
declare -A MOD=(
	[versitygw]=github.com/versity/versitygw
	[minio]=github.com/minio/minio
	[gofakes3]=github.com/johannesboyne/gofakes3
)
declare -A VERSION=(
	[versitygw]=v1.8.0
	[minio]=v0.0.0-20260212201848-7aac2a2c5b7c
	[gofakes3]=v1.2.0
)
SERVERS=(versitygw minio gofakes3)

# The AWS documentation's example keys: nothing real, masked all the same.
AK=AKIAIOSFODNN7EXAMPLE
SK=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
REGION=us-east-1

say() { printf 'interop: %s\n' "$*" >&2; }

# shown PATH: PATH as messages show it, relative to the module root when
# it is inside (no machine path in what is printed).
shown() { printf '%s' "${1#"$PWD"/}"; }

# installed SERVER: the pinned version is in $BIN.
installed() {
	[[ -x $BIN/$1 ]] || return 1
	"$GO" version -m "$BIN/$1" 2>/dev/null |
		awk -v m="${MOD[$1]}" -v v="${VERSION[$1]}" '$1 == "mod" && $2 == m && $3 == v { ok = 1 } END { exit !ok }'
}

install() {
	if installed "$1"; then
		say "$1 ${VERSION[$1]}: already installed in $(shown "$BIN")"
		return
	fi
	say "$1 ${VERSION[$1]}: installing into $(shown "$BIN") (log: $(shown "$CACHE/install-$1.log"))"
	local t0=$SECONDS
	if ! GOBIN=$BIN "$GO" install "${PKG[$1]}@${VERSION[$1]}" >"$CACHE/install-$1.log" 2>&1; then
		tail -n 20 "$CACHE/install-$1.log" >&2
		say "$1 ${VERSION[$1]}: go install failed"
		exit 2
	fi
	say "$1 ${VERSION[$1]}: installed in $((SECONDS - t0)) s"
}

# alive PID: the process runs (a zombie does not).
alive() {
	kill -0 "$1" 2>/dev/null || return 1
	local state
	state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null || true)
	[[ $state != Z ]]
}

# port_free PORT: nothing listens on 127.0.0.1:PORT.
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# free_port: a port nothing listens on, tried at random (bounded) below
# the kernel's ephemeral range, where test servers on port 0 and outgoing
# connections take theirs.
free_port() {
	local lo=32768 p i
	read -r lo _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true
	((lo > 12000)) || lo=32768
	for ((i = 0; i < 100; i++)); do
		p=$((10000 + RANDOM % (lo - 10000)))
		if port_free "$p"; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

# owns_port PID PORT: PID holds the socket listening on 127.0.0.1:PORT, so
# what answers there is the server this script started, not another.
owns_port() {
	local inode
	inode=$(awk -v a="0100007F:$(printf '%04X' "$2")" '$2 == a && $4 == "0A" { print $10; exit }' /proc/net/tcp 2>/dev/null)
	[[ -n $inode ]] || return 1
	find "/proc/$1/fd" -maxdepth 1 -lname "socket:\[$inode\]" 2>/dev/null | grep -q .
}

# http_status PORT: the status code an anonymous GET / gets, or nothing.
http_status() {
	timeout 5 bash -c '
		exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
		printf "GET / HTTP/1.0\r\nHost: 127.0.0.1:%s\r\n\r\n" "$1" >&3
		read -r -t 4 _ code _ <&3 || exit 1
		echo "$code"' _ "$1" 2>/dev/null || true
}

# The server running now, and the directories of this server's run.
pid='' work='' leaked=0

# stop: the server, by its process id: TERM, then KILL after 15 s.
stop() {
	[[ -n $pid ]] || return 0
	local i
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < 150; i++)); do
		alive "$pid" || break
		sleep 0.1
	done
	if alive "$pid"; then
		say "${server:-the server} (pid $pid) did not stop within 15 s: killing it"
		kill -KILL "$pid" 2>/dev/null || true
	fi
	wait "$pid" 2>/dev/null || true
	pid=''
}

cleanup() {
	stop
	[[ -z $work ]] || rm -rf "$work"
	work=''
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# start SERVER PORT DATA LOG: starts the server in the background and sets pid.
start() {
	local server=$1 port=$2 data=$3 log=$4
	case $server in
	versitygw)
		ROOT_ACCESS_KEY_ID=$AK ROOT_SECRET_ACCESS_KEY=$SK \
			"$BIN/versitygw" --port "127.0.0.1:$port" --region "$REGION" posix "$data" >"$log" 2>&1 &
		;;
	minio)
		local console
		console=$(free_port) || { say "no free port for the MinIO console"; return 1; }
		MINIO_ROOT_USER=$AK MINIO_ROOT_PASSWORD=$SK MINIO_BROWSER=off MINIO_UPDATE=off \
			MINIO_REGION=$REGION MINIO_CI_CD=on \
			"$BIN/minio" server "$data" --address "127.0.0.1:$port" --console-address "127.0.0.1:$console" \
			>"$log" 2>&1 &
		;;
	gofakes3)
		"$BIN/gofakes3" -host "127.0.0.1:$port" -backend fs -fs.path "$data" -fs.create >"$log" 2>&1 &
		;;
	esac
	pid=$!
}

# wait_ready PORT: within START_TIMEOUT the server listens on the port
# itself and answers HTTP there (503, still starting, does not count).
wait_ready() {
	local deadline=$((SECONDS + START_TIMEOUT)) code
	while ((SECONDS < deadline)); do
		alive "$pid" || return 1
		if owns_port "$pid" "$1"; then
			code=$(http_status "$1")
			[[ -z $code || $code == 503 ]] || return 0
		fi
		sleep 0.25
	done
	return 1
}

# mask FILE...: masks the secret key in what is kept, and says where it
# was found. (The access key is an identifier, not a secret: recordings
# show it in the credential scope and versitygw as the owner ID.)
mask() {
	local f
	for f in "$@"; do
		[[ -f $f ]] || continue
		if grep -qF -e "$SK" "$f"; then
			sed -i "s|$SK|***|g" "$f"
			say "the secret key was in $f: masked"
			leaked=1
		fi
	done
}

# interop SERVER: one server's run; returns the runner's exit status.
interop() {
	local server=$1 port log data creds rc=0
	rm -rf "${OUT:?}/$server" "$OUT/$server".{xml,json,out,log} "$OUT/$server-explore" "$OUT/$server-explore".{json,out}
	log=$OUT/$server.log
	work=$(mktemp -d "${TMPDIR:-/tmp}/gsc-interop-$server.XXXXXX")
	data=$work/data creds=$work/credentials
	mkdir "$data"
	(umask 077 && printf 'access_key_id = %s\nsecret_access_key = %s\n' "$AK" "$SK" >"$creds")
	port=$(free_port) || { say "$server: no free port"; return 2; }
	start "$server" "$port" "$data" "$log" || return 2
	say "$server ${VERSION[$server]}: pid $pid on 127.0.0.1:$port, data in a fresh temporary directory"
	if ! wait_ready "$port"; then
		say "$server: did not answer on 127.0.0.1:$port within ${START_TIMEOUT} s; its log:"
		tail -n 20 "$log" >&2 || true
		cleanup
		mask "$log"
		return 2
	fi
	timeout -k 10 "$RUN_TIMEOUT" "$CACHE/runner" run --vendor s3 \
		--endpoint "http://127.0.0.1:$port" --credentials "$creds" --region "$REGION" \
		--name "$server" --baseline "interop/baselines/$server.txt" --strict-baseline \
		--junit "$OUT/$server.xml" --results "$OUT/$server.json" --record "$OUT/$server" \
		>"$OUT/$server.out" 2>&1 || rc=$?
	# runner explore, judged by its own baseline (interop/baselines/
	# <server>-explore.txt: a spec baseline names the specs of one run).
	local erc=0
	timeout -k 10 "$RUN_TIMEOUT" "$CACHE/runner" explore --vendor s3 \
		--endpoint "http://127.0.0.1:$port" --credentials "$creds" --region "$REGION" \
		--name "$server" --seed "$EXPLORE_SEED" --requests "$EXPLORE_REQUESTS" \
		--baseline "interop/baselines/$server-explore.txt" --strict-baseline \
		--results "$OUT/$server-explore.json" --record "$OUT/$server-explore" \
		>"$OUT/$server-explore.out" 2>&1 || erc=$?
	((erc <= rc)) || rc=$erc
	cleanup
	mask "$log"
	leaked=0
	mask "$OUT/$server".{out,xml,json} "$OUT/$server"/* "$OUT/$server-explore".{out,json} "$OUT/$server-explore"/*
	if ((leaked)); then
		say "$server: the runner let the secret key through (masked now): failing the run"
		rc=1
	fi
	case $rc in
	0) say "$server: as its baseline says" ;;
	1) say "$server: outcomes outside interop/baselines/$server.txt (see $OUT/$server.out)" ;;
	124 | 137)
		say "$server: the run did not end within ${RUN_TIMEOUT} s"
		rc=1
		;;
	*) say "$server: the runner could not run (exit $rc; see $OUT/$server.out)" ;;
	esac
	return "$rc"
}

main() {
	local servers=("$@") s status=0 rc
	((${#servers[@]})) || servers=("${SERVERS[@]}")
	for s in "${servers[@]}"; do
		[[ -n ${PKG[$s]:-} ]] || { say "unknown server $s (known: ${SERVERS[*]})"; exit 2; }
	done
	mkdir -p "$BIN" "$OUT"
	for s in "${servers[@]}"; do
		install "$s"
	done
	"$GO" build -o "$CACHE/runner" ./runner
	for s in "${servers[@]}"; do
		rc=0
		interop "$s" || rc=$?
		((rc <= status)) || status=$rc
	done
	# The compatibility matrix of the servers that ran, for people. The
	# committed reports/compatibility.md changes only when asked, and only
	# to a matrix of every server.
	local results=() ran=0
	for s in "${servers[@]}"; do
		[[ -f $OUT/$s.json ]] && results+=("$OUT/$s.json") && ((++ran))
		[[ -f $OUT/$s-explore.json ]] && results+=("$OUT/$s-explore.json")
	done
	if ((${#results[@]})); then
		"$CACHE/runner" matrix --title "GET Service compatibility of S3 servers" \
			--markdown "$OUT/compatibility.md" --html "$OUT/compatibility.html" "${results[@]}" || status=2
	fi
	if [[ $PUBLISH == 1 ]]; then
		if ((ran == ${#SERVERS[@]})) && [[ -f $OUT/compatibility.md ]]; then
			cp "$OUT/compatibility.md" reports/compatibility.md
			say "published reports/compatibility.md"
		else
			say "not publishing reports/compatibility.md: it needs a run of every server (${SERVERS[*]})"
			status=2
		fi
	fi
	((status <= 2)) || status=1
	exit "$status"
}

main "$@"
