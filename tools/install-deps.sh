#!/bin/sh
# Installs what wormsim needs to build and test on Debian 12, from Debian's packages only.
# Uses sudo when not run as root. chromium is for the tests only: the report's end-to-end test
# opens report.html in it, headless.
set -eu
if [ "$(id -u)" -eq 0 ]; then as_root=""; else as_root="sudo"; fi
$as_root apt-get update -qq
DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq --no-install-recommends \
  g++ make cmake \
  libboost-graph-dev libtbb-dev libeigen3-dev libcli11-dev libtomlplusplus-dev \
  nlohmann-json3-dev libfmt-dev catch2 libbenchmark-dev chromium >/dev/null
echo "wormsim: build dependencies installed"
