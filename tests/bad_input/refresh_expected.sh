#!/bin/sh
# Regenerates every tests/bad_input/NN-name.expected from the current wormsim binary: run it when
# messages change on purpose, then review `git diff tests/bad_input` before committing.
#
# Usage: tests/bad_input/refresh_expected.sh [WORMSIM]    (default: build/dev/app/wormsim)
# Each file is validated as `wormsim validate tests/bad_input/NAME.toml` from the repository
# root, exactly as test_bad_input runs it, so the paths in the messages match.
set -eu

exe=${1:-build/dev/app/wormsim}
root=$(cd "$(dirname "$0")/../.." && pwd)
case $exe in
  /*) ;;
  *) [ -x "$exe" ] && exe=$(pwd)/$exe || exe=$root/$exe ;;
esac
if [ ! -x "$exe" ]; then
  echo "refresh_expected.sh: no wormsim executable at $exe (build it, or pass its path)" >&2
  exit 1
fi

cd "$root"
changed=0
for toml in tests/bad_input/*.toml; do
  expected=${toml%.toml}.expected
  status=0
  "$exe" validate "$toml" >/dev/null 2>"$expected.new" || status=$?
  if [ "$status" -ne 2 ]; then
    echo "warning: $toml: exit status $status, not 2 (bad input)" >&2
  fi
  if [ -f "$expected" ] && cmp -s "$expected" "$expected.new"; then
    rm "$expected.new"
  else
    mv "$expected.new" "$expected"
    echo "updated $expected"
    changed=$((changed + 1))
  fi
done
for expected in tests/bad_input/*.expected; do
  [ -f "${expected%.expected}.toml" ] || echo "warning: $expected has no .toml beside it" >&2
done
echo "$changed file(s) updated"
