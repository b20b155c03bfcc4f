# Shared by tests/fuzz/*.test and tests/fuzz/campaign: how each libFuzzer target (isup, sip,
# sipt, vty) is built straight from the sources (clang, ASan + UBSan, no recovery) and which
# options it runs with.  Source it with TOP_SRCDIR set.
#   fuzz_build NAME DIR     builds DIR/fuzz_NAME (and DIR/NAME.dict, DIR/NAME.lsan.supp)
#   fuzz_args NAME DIR      prints the libFuzzer options of NAME (one per line)
#   fuzz_env NAME DIR       exports the sanitizer options NAME runs with
#   fuzz_failed LOG         true when LOG holds a sanitizer report, a libFuzzer error or a
#                           failed property (the harnesses print "assertion failed")
#   fuzz_suite NAME SEED RUNS   the suite's test of NAME (TAP, see below)
: "${TOP_SRCDIR:?}"
FUZZ_NAMES="isup sip sipt vty"
fuzz_cc=$(command -v clang-14 || command -v clang || true)

# the ISUP codec sources as the build lists them
fuzz_isup_srcs() {
	sed -n '/^isup_libisup_a_SOURCES/,/^$/p' "$TOP_SRCDIR/isup/Makefile.inc" |
		grep -o 'isup/[A-Za-z0-9_]*\.c' | sed "s|^|$TOP_SRCDIR/|"
}

fuzz_mods() {
	case "$1" in
	isup) echo "";;
	sip|sipt) echo "libosip2 libosmocore libosmovty talloc";;
	vty) echo "libosip2 libosmocore libosmogsm libosmovty libosmoctrl libosmo-netif libosmo-sigtran ortp bctoolbox spandsp talloc hiredis";;
	esac
}

fuzz_srcs() {
	case "$1" in
	isup) fuzz_isup_srcs;;
	sip) ls "$TOP_SRCDIR"/sip/*.c; echo "$TOP_SRCDIR/common/debug.c";;
	sipt) ls "$TOP_SRCDIR"/sip/*.c; fuzz_isup_srcs
		printf '%s\n' "$TOP_SRCDIR/gw/iam_map.c" "$TOP_SRCDIR/gw/sipi_merge.c" "$TOP_SRCDIR/gw/cause_map.c" \
			"$TOP_SRCDIR/gw/redir_map.c" "$TOP_SRCDIR/gw/redir_sip.c" \
			"$TOP_SRCDIR/gw/number_rules.c" "$TOP_SRCDIR/gw/tel_uri.c" "$TOP_SRCDIR/gw/hop_counter.c" "$TOP_SRCDIR/common/debug.c";;
	vty) ls "$TOP_SRCDIR"/common/*.c "$TOP_SRCDIR"/hep/*.c "$TOP_SRCDIR"/isup/*.c "$TOP_SRCDIR"/sip/*.c "$TOP_SRCDIR"/gw/*.c \
		"$TOP_SRCDIR"/media/*.c "$TOP_SRCDIR"/tones/*.c | grep -v '/gw/sipt_gw_main\.c$';;
	esac
	echo "$TOP_SRCDIR/tests/fuzz/fuzz_$1.c"
}

# object cache shared by the fuzz tests and campaigns (sip and sipt compile the same files): an
# object is reused when the preprocessed source and the flags are the same
FUZZ_CACHE=${FUZZ_CACHE:-${TOP_BUILDDIR:-${TMPDIR:-/tmp}}/fuzz-cache}
# fuzz_cc_one OBJDIR SOURCE (with fuzz_cc, cflags and FUZZ_CACHE in the environment)
fuzz_cc_one() {
	local o key
	o="$1/$(echo "$2" | tr / _).o"
	# shellcheck disable=SC2086
	key=$({ echo "$fuzz_cc $cflags"; "$fuzz_cc" $cflags -E "$2"; } | sha1sum | cut -c1-40) || return 1
	if [ -f "$FUZZ_CACHE/$key.o" ]; then
		cp "$FUZZ_CACHE/$key.o" "$o"
		return
	fi
	# shellcheck disable=SC2086
	"$fuzz_cc" $cflags -c "$2" -o "$o" || { echo "compile failed: $2"; return 1; }
	cp "$o" "$FUZZ_CACHE/$key.o.$$" && mv "$FUZZ_CACHE/$key.o.$$" "$FUZZ_CACHE/$key.o"
}

# fuzz_build NAME DIR: objects two at a time (2 cores), -O1 for the codecs, -O0 for the ~50 files
# of the vty target (half the compile time, which matters more than the speed of each execution)
fuzz_build() {
	local name=$1 dir=$2 mods opt cflags libs
	[ -n "$fuzz_cc" ] || { echo "clang not installed"; return 1; }
	case " $FUZZ_NAMES " in *" $name "*) ;; *) echo "unknown fuzzer '$name' (one of: $FUZZ_NAMES)"; return 1;; esac
	mods=$(fuzz_mods "$name")
	# shellcheck disable=SC2086
	if [ -n "$mods" ] && ! pkg-config --exists $mods; then echo "libraries missing: $mods"; return 1; fi
	opt=-O1; [ "$name" = vty ] && opt=-O0
	# shellcheck disable=SC2086
	cflags="-g $opt -std=gnu11 -D_GNU_SOURCE -DPACKAGE_VERSION=\"fuzz\" -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -I$TOP_SRCDIR ${mods:+$(pkg-config --cflags $mods)}"
	libs=""
	# shellcheck disable=SC2086
	[ -n "$mods" ] && libs="$(pkg-config --libs $mods) -lm"
	case "$name" in sip|sipt|vty) libs="$libs -losip2 -losipparser2";; esac
	rm -rf "$dir/obj-$name"; mkdir -p "$dir/obj-$name" "$FUZZ_CACHE"
	export fuzz_cc cflags FUZZ_CACHE
	export -f fuzz_cc_one
	fuzz_srcs "$name" | xargs -P 2 -I{} bash -c 'fuzz_cc_one "$1" "$2" || exit 255' _ "$dir/obj-$name" {} ||
		{ echo "building fuzz_$name failed"; return 1; }
	# shellcheck disable=SC2086
	"$fuzz_cc" -fsanitize=fuzzer,address,undefined "$dir/obj-$name"/*.o $libs -o "$dir/fuzz_$name" ||
		{ echo "linking fuzz_$name failed"; return 1; }
	# libosip2 5.3 leaks inside its own MIME part parser on some broken multipart bodies (the
	# allocation happens and is lost within osip_message_parse); only that is suppressed
	printf 'leak:osip_body_parse_mime\n' > "$dir/$name.lsan.supp"
	# the vty target's dictionary: the words of its seed configs
	if [ "$name" = vty ]; then
		cat "$TOP_SRCDIR"/tests/fuzz/corpus/vty/* | tr -s ' \t' '\n\n' |
			grep -aE '^[A-Za-z0-9:./+_-]{2,40}$' | sort -u | sed 's/^/"/; s/$/"/' > "$dir/vty.dict"
	fi
}

fuzz_args() {
	local name=$1 dir=$2
	echo "-timeout=10"
	echo "-rss_limit_mb=2048"
	case "$name" in
	isup) ;;
	sip|sipt) echo "-max_len=4096";;
	vty) echo "-max_len=2048"; echo "-close_fd_mask=3"; echo "-dict=$dir/vty.dict";;
	esac
}

fuzz_env() {
	local name=$1 dir=$2
	export ASAN_OPTIONS="detect_leaks=1"
	# full leak stacks for the libosip2 suppression below
	case "$name" in sip|sipt) ASAN_OPTIONS="$ASAN_OPTIONS:fast_unwind_on_malloc=0";; esac
	export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
	export LSAN_OPTIONS="suppressions=$dir/$name.lsan.supp:print_suppressions=0"
}

fuzz_failed() {
	grep -qaE '==[0-9]+==ERROR|ERROR: libFuzzer|runtime error:|assertion failed|deadly signal|Timeout|out-of-memory' "$1"
}

# fuzz_suite NAME SEED RUNS: what tests/fuzz/NAME-fuzz.test checks, as TAP with its plan:
#  1. the fuzzer builds;  2. every committed input of tests/fuzz/corpus/NAME runs once without a
#  finding (the crashers found so far stay fixed);  3. a campaign of exactly RUNS executions with
#  -seed=SEED (no wall-clock limit: the same inputs on every run) finds nothing;  4. it ran the
#  RUNS executions;  5. the committed corpus, given to libFuzzer read-only, is unchanged (new
#  inputs and artifacts go to the scratch directory).  Exit status 1 when any check failed.
fuzz_suite() {
	local name=$1 seed=$2 runs=$3 work corpus n done_runs failed=0 i t0
	work="${TEST_TMPDIR:-$(mktemp -d)}"
	corpus="$TOP_SRCDIR/tests/fuzz/corpus/$name"
	echo "1..5"
	fuzz_tap() { if [ "$1" = 0 ]; then echo "ok $2"; else echo "not ok $2"; failed=1; fi; }
	fuzz_tail() { sed -n '/==[0-9]*==ERROR\|runtime error\|assertion failed\|deadly signal\|ALARM\|out-of-memory/,/SUMMARY/p' "$1" | head -60 | sed 's/^/#   /'; tail -5 "$1" | sed 's/^/#   /'; }
	t0=$SECONDS
	if ! fuzz_build "$name" "$work" > "$work/build.log" 2>&1; then
		sed 's/^/#   /' "$work/build.log" | tail -30
		fuzz_tap 1 "$name-fuzz: fuzzer builds"
		for i in "replay of the corpus" "campaign -seed=$seed -runs=$runs" "$runs executions" "committed corpus unchanged"; do
			fuzz_tap 1 "$name-fuzz: $i (not built)"
		done
		return 1
	fi
	fuzz_tap 0 "$name-fuzz: fuzzer builds ($((SECONDS - t0)) s)"
	fuzz_env "$name" "$work"
	(cd "$corpus" && find . -type f -print0 | sort -z | xargs -0 sha1sum) > "$work/corpus.before"
	n=$(wc -l < "$work/corpus.before")
	mkdir -p "$work/new" "$work/artifacts"
	cd "$work" || return 1
	# 2. replay: files given by name run once each, no mutation, nothing written
	t0=$SECONDS
	# shellcheck disable=SC2046
	find "$corpus" -type f -print0 | sort -z | xargs -0 "$work/fuzz_$name" $(fuzz_args "$name" "$work") \
		-artifact_prefix="$work/artifacts/replay-" > "$work/replay.log" 2>&1
	i=$?
	done_runs=$(grep -ac '^Executed .* in [0-9]* ms' "$work/replay.log")
	if [ $i -eq 0 ] && [ "$n" -gt 0 ] && [ "$done_runs" -eq "$n" ] && ! fuzz_failed "$work/replay.log"; then
		fuzz_tap 0 "$name-fuzz: replay of the corpus: $n inputs, no finding ($((SECONDS - t0)) s)"
	else
		fuzz_tail "$work/replay.log"
		fuzz_tap 1 "$name-fuzz: replay of the corpus ($done_runs of $n inputs ran, exit status $i)"
	fi
	# 3. the fixed campaign: new inputs to new/, the committed corpus read only.  The same inputs
	# on every run need more than -seed: no corpus reload on a 1 s clock (-reload=0), and no
	# address randomisation (setarch -R), as compared pointers feed libFuzzer's mutations
	t0=$SECONDS
	norand=(setarch "$(uname -m)" -R)
	"${norand[@]}" true 2>/dev/null || { norand=(); echo "# setarch -R unavailable: inputs may differ between runs"; }
	# shellcheck disable=SC2046
	"${norand[@]}" "$work/fuzz_$name" $(fuzz_args "$name" "$work") -seed="$seed" -runs="$runs" -reload=0 \
		-print_final_stats=1 -artifact_prefix="$work/artifacts/" "$work/new" "$corpus" > "$work/fuzz.log" 2>&1
	i=$?
	done_runs=$(sed -n 's/^Done \([0-9]*\) runs in .*/\1/p' "$work/fuzz.log" | tail -1)
	if [ $i -eq 0 ] && ! fuzz_failed "$work/fuzz.log" && [ -z "$(ls "$work/artifacts")" ]; then
		fuzz_tap 0 "$name-fuzz: campaign -seed=$seed -runs=$runs: no finding ($(grep -aoE 'cov: [0-9]+ ft: [0-9]+' "$work/fuzz.log" | tail -1), $(ls "$work/new" | wc -l) new inputs, digest $(cd "$work/new" && ls | sort | sha1sum | cut -c1-12), $((SECONDS - t0)) s)"
	else
		fuzz_tail "$work/fuzz.log"
		for f in "$work"/artifacts/*; do [ -f "$f" ] && { echo "# reproducer $(basename "$f") (hex):"; od -An -tx1 "$f" | head -10 | sed 's/^/#   /'; }; done
		fuzz_tap 1 "$name-fuzz: campaign -seed=$seed -runs=$runs (exit status $i; reproduce: tests/fuzz/campaign or the binary in $work)"
	fi
	if [ "${done_runs:-0}" -eq "$runs" ]; then
		fuzz_tap 0 "$name-fuzz: $runs executions done"
	else
		fuzz_tap 1 "$name-fuzz: $runs executions done (libFuzzer reports ${done_runs:-none})"
	fi
	(cd "$corpus" && find . -type f -print0 | sort -z | xargs -0 sha1sum) > "$work/corpus.after"
	if cmp -s "$work/corpus.before" "$work/corpus.after"; then
		fuzz_tap 0 "$name-fuzz: committed corpus unchanged ($n inputs)"
	else
		diff "$work/corpus.before" "$work/corpus.after" | head -10 | sed 's/^/#   /'
		fuzz_tap 1 "$name-fuzz: committed corpus unchanged"
	fi
	return $failed
}
