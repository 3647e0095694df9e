#!/usr/bin/env python3
"""Prints the /8 blocks of the IANA IPv4 registry that were allocated (or legacy) by a month.

Usage: tools/iana_blocks.py ../shared/data/address-space/ipv4-address-space.csv 2001-07

The registry's date column records each block's current designation, so a few blocks that were
reassigned later show later dates; the lists in models/address_plan.cpp were made with this
script (2001-07 gives the 124 blocks of July 2001, 2003-08 gives 133).
"""
import csv
import sys

path, month = sys.argv[1], sys.argv[2]
with open(path, newline="") as f:
    rows = list(csv.DictReader(f))
blocks = [int(r["Prefix"].split("/")[0]) for r in rows
          if r["Status [1]"].strip() in ("ALLOCATED", "LEGACY") and r["Date"] <= month]
print(len(blocks))
print(", ".join(map(str, blocks)))
