#!/usr/bin/env bash
# The manual pages and the bash completion, against the programs themselves:
# every page renders with groff and man without a warning, carries the
# programs' version, and documents every option the program's --help lists;
# the completion file is valid bash whose functions offer exactly the
# options --help lists (plus --help/--version), the subcommands, the named
# choices, and the files and columns that fit.
# Usage: test_man_completion.sh SOURCE_DIR BINARY_DIR   (ctest passes both)
set -uo pipefail
src=${1:?source dir}
bin=${2:?binary dir}
# shellcheck source=tests/check.sh
. "$src/tests/check.sh"

for tool in groff man; do
  if ! command -v "$tool" >/dev/null; then
    echo "FAIL: $tool not found: install groff-base and man-db (scripts/setup-deps.sh)" >&2
    exit 1
  fi
done
work=$(mktemp -d /tmp/bo_test_man_XXXXXX)
trap 'rm -rf "$work"' EXIT

version=$("$bin/bo-run" --version | awk '{print $2}')
[ -n "$version" ] || fail "bo-run --version printed no version"

# The options a --help text lists, one a line, sorted.
help_options() { grep -oE -- '(^|[ [,|])--?[a-z][a-z-]*' | sed 's/^[ [,|]//' | sort -u; }

declare -A help_text
help_text[bo-run]=$("$bin/bo-run" --help)
help_text[bo-gp]=$("$bin/bo-gp" --help; "$bin/bo-gp" fit --help; "$bin/bo-gp" predict --help;
                   "$bin/bo-gp" eval --help; "$bin/bo-gp" sobol --help;
                   "$bin/bo-gp" latent --help; "$bin/bo-gp" calibrate --help)
help_text[bo-study]=$("$bin/bo-study" --help)

for prog in bo-run bo-gp bo-study; do
  page="$src/man/$prog.1"
  check
  if [ ! -f "$page" ]; then fail "$page missing"; continue; fi
  # -ww: every warning; -z: no output, only the diagnostics.
  warnings=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
  check; [ -z "$warnings" ] || fail "groff warns about $page: $warnings"
  rendered=$(MANWIDTH=80 MAN_KEEP_FORMATTING= man --warnings=w -l "$page" 2>"$work/man.err" |
             col -b 2>/dev/null || true)
  check; [ -s "$work/man.err" ] && fail "man -l warns about $page: $(cat "$work/man.err")"
  check; grep -q "^NAME" <<<"$rendered" || fail "man -l $page: no NAME section in the output"
  check; grep -q "^ *$prog - " <<<"$rendered" || fail "$page: NAME does not start with '$prog - '"
  check
  grep -q "^\.TH .* \"bo-run $version\"" "$page" ||
    fail "$page: .TH does not carry the version bo-run $version"
  for section in SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" "SEE ALSO"; do
    check; grep -q "^$section" <<<"$rendered" || fail "$page: no $section section"
  done
  # Every option of the program's --help is documented.
  while read -r opt; do
    check
    grep -qE -- "(^|[^a-z-])$opt([^a-z-]|$)" <<<"$rendered" ||
      fail "$page does not document $opt (listed by $prog --help)"
  done < <(help_options <<<"${help_text[$prog]}")
done

# ---- completion ----
comp="$src/completion/bo-run.bash"
check; bash -n "$comp" || fail "$comp is not valid bash"

# Completes the words given (the last one being completed) with the
# function of the first word; prints COMPREPLY sorted, one a line.
complete_words() {
  local fn=$1
  shift
  (cd "$work/files" && bash --norc --noprofile -c '
    source "$1" || exit 3
    fn=$2; shift 2
    COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
    "$fn" || exit 4
    printf "%s\n" "${COMPREPLY[@]}"' _ "$comp" "$fn" "$@" | sort -u)
}
mkdir -p "$work/files/runs" "$work/files/configs"
printf 'name: a\n' >"$work/files/a.yaml"
printf 'name: b\n' >"$work/files/b.yml"
printf 'x\n' >"$work/files/notes.txt"
printf 'x1,"x 2",fid,y\r\n1,2,HF,3\r\n' >"$work/files/train.csv"

# The completion's option lists equal the --help texts' (plus --help,
# --version and -h, which some usages only mention in passing).
expect_options() { # name, completion output, --help text
  local name=$1 got=$2 want
  want=$(help_options <<<"$3")
  local extra missing
  missing=$(comm -13 <(sort -u <<<"$got") <(sort -u <<<"$want"))
  extra=$(comm -23 <(sort -u <<<"$got") <(printf '%s\n' $want --help --version -h | sort -u))
  check; [ -z "$missing" ] || fail "$name: completion lacks $(echo $missing)"
  check; [ -z "$extra" ] || fail "$name: completion offers $(echo $extra), which --help does not list"
}
expect_options "bo-run --" "$(complete_words _bo_run bo-run --)" "${help_text[bo-run]}"
expect_options "bo-gp fit --" "$(complete_words _bo_gp bo-gp fit -)" "$("$bin/bo-gp" fit --help)"
expect_options "bo-gp predict -" "$(complete_words _bo_gp bo-gp predict m.txt -)" \
  "$("$bin/bo-gp" predict --help)"
expect_options "bo-gp eval -" "$(complete_words _bo_gp bo-gp eval m.txt -)" \
  "$("$bin/bo-gp" eval --help)"
expect_options "bo-gp sobol -" "$(complete_words _bo_gp bo-gp sobol m.txt -)" \
  "$("$bin/bo-gp" sobol --help)"
expect_options "bo-gp latent -" "$(complete_words _bo_gp bo-gp latent m.txt -)" \
  "$("$bin/bo-gp" latent --help)"
expect_options "bo-gp calibrate -" "$(complete_words _bo_gp bo-gp calibrate s.csv f.csv -)" \
  "$("$bin/bo-gp" calibrate --help)"
expect_options "bo-study aggregate --" "$(complete_words _bo_study bo-study aggregate --)" \
  "${help_text[bo-study]}"

expect_words() { # name, expected (one a line), got
  check
  [ "$(sort -u <<<"$2")" = "$3" ] || fail "$1: expected [$(echo $2)], got [$(echo $3)]"
}
expect_words "bo-run --re" "--resume" "$(complete_words _bo_run bo-run --re)"
expect_words "bo-run CONFIG" $'a.yaml\nb.yml\nconfigs\nruns' "$(complete_words _bo_run bo-run '')"
expect_words "bo-run x --out r" "runs" "$(complete_words _bo_run bo-run a.yaml --out r)"
expect_words "bo-run x --seed" "" "$(complete_words _bo_run bo-run a.yaml --seed '')"
expect_words "bo-gp COMMAND" $'--help\ncalibrate\neval\nfit\nhelp\nlatent\npredict\nsobol' "$(complete_words _bo_gp bo-gp '')"
# The kernels are bo-gp's own list.
kernels=$("$bin/bo-gp" fit --help | sed -n 's/.*--kernel K *//p' | tr -d ',' |
          sed 's/(default)//' | tr ' ' '\n' | sed '/^$/d')
check; [ -n "$kernels" ] || fail "no kernel list in bo-gp fit --help"
expect_words "bo-gp fit --kernel" "$kernels" "$(complete_words _bo_gp bo-gp fit train.csv --kernel '')"
expect_words "bo-gp fit --mean" $'constant\nper_source\nzero' \
  "$(complete_words _bo_gp bo-gp fit train.csv --mean '')"
expect_words "bo-gp fit TRAIN" $'configs\nruns\ntrain.csv' "$(complete_words _bo_gp bo-gp fit '')"
expect_words "bo-gp fit --y" $'fid\nx 2\nx1\ny' "$(complete_words _bo_gp bo-gp fit train.csv --y '')"
expect_words "bo-gp fit --source-col f" "fid" \
  "$(complete_words _bo_gp bo-gp fit train.csv --source-col f)"
expect_words "bo-study COMMAND" $'--help\n--version\naggregate' \
  "$(complete_words _bo_study bo-study '')"
expect_words "bo-study aggregate --out" $'configs\nruns' \
  "$(complete_words _bo_study bo-study aggregate --out '')"
expect_words "bo-study aggregate mf=r" "mf=runs/" "$(complete_words _bo_study bo-study aggregate mf=r)"
expect_words "bo-study aggregate mf = r" "runs" \
  "$(complete_words _bo_study bo-study aggregate mf = r)"

check_summary
