#include "models/registry.hpp"

#include <algorithm>

#include "models/defence/defence_catalog.hpp"
#include "models/host/host_kinds.hpp"

namespace wormsim::models {

std::string_view type_name(ParamType t) {
  switch (t) {
    case ParamType::integer:
      return "integer";
    case ParamType::real:
      return "number";
    case ParamType::probability:
      return "probability";
    case ParamType::duration:
      return "duration";
    case ParamType::rate:
      return "rate";
    case ParamType::string:
      return "string";
    case ParamType::choice:
      return "choice";
    case ParamType::prefix:
      return "prefix";
    case ParamType::datetime:
      return "date-time";
    case ParamType::mix:
      return "mix";
    case ParamType::list:
      return "list";
    case ParamType::table:
      return "table";
    case ParamType::boolean:
      return "boolean";
  }
  return "?";
}

namespace {

template <std::size_t N>
std::vector<std::string> names_of(const std::array<std::string_view, N>& names) {
  return {names.begin(), names.end()};
}

std::vector<std::string> service_names() {
  std::vector<std::string> out;
  for (const auto& s : kServiceNames) out.emplace_back(s.name);
  return out;
}

std::vector<std::string> patch_names() {
  std::vector<std::string> out;
  for (const auto& s : kPatchNames) out.emplace_back(s.name);
  return out;
}

std::vector<std::string> defence_kind_names() {
  std::vector<std::string> out;
  for (const auto& k : kDefenceKinds) out.emplace_back(k.name);
  return out;
}

std::vector<ParamSpec> defence_common_params(bool action);

std::vector<ModelInfo> make_scenario_tables() {
  std::vector<ModelInfo> t;
  t.push_back(
      {"table",
       "simulation",
       "What to run: clock, horizon, seed, sampling.",
       "",
       {
           {"name", ParamType::string, "", "(file name)", 0, 0, "Title shown in outputs.", "", {}},
           {"start",
            ParamType::datetime,
            "UTC",
            "2001-07-19T10:00:00Z",
            0,
            0,
            "Wall-clock time at the scenario's start; worm calendars read it.",
            "",
            {}},
           {"duration",
            ParamType::duration,
            "",
            "24h",
            1e-6,
            3.1536e7,
            "Simulated horizon.",
            "",
            {}},
           {"seed",
            ParamType::integer,
            "",
            "1",
            0,
            9.007199254740991e15,
            "Root of every random stream.",
            "",
            {}},
           {"sample_every",
            ParamType::duration,
            "",
            "1m",
            1e-6,
            3.1536e7,
            "Interval between rows of curves.csv.",
            "",
            {}},
           {"partitions",
            ParamType::integer,
            "",
            "64",
            1,
            65536,
            "Partitions of the host population (fixed by the scenario, never by the "
            "thread count); fewer if there are fewer sites.",
            "",
            {}},
           {"replications",
            ParamType::integer,
            "",
            "1",
            1,
            1e6,
            "Independent replications (overridden by --replications).",
            "",
            {}},
       }});
  t.push_back({"table",
               "address_space",
               "The scanned address space and where hosts may sit.",
               "",
               {
                   {"prefix",
                    ParamType::prefix,
                    "",
                    "0.0.0.0/0",
                    0,
                    0,
                    "Space the worms scan; /8 and /16 keep their IPv4 meaning inside it.",
                    "",
                    {}},
                   {"allocated_blocks",
                    ParamType::choice,
                    "",
                    "all",
                    0,
                    0,
                    "The /8 blocks that held hosts: 'iana-2001' (124 /8s allocated by July 2001) "
                    "or 'iana-2003' (by August 2003), from the IANA IPv4 registry; 'all' for "
                    "every block of the prefix.",
                    "IANA IPv4 address space registry [V]",
                    {"all", "iana-2001", "iana-2003"}},
               }});
  t.push_back({"table",
               "population",
               "A mix of hosts: how many, how they cluster in the address space, their OS, "
               "services and locale. Hosts are never listed one by one.",
               "",
               {
                   {"name", ParamType::string, "", "", 0, 0, "Label of the population.", "", {}},
                   {"count", ParamType::integer, "hosts", "", 1, 1e9, "Number of hosts.", "", {}},
                   {"placement",
                    ParamType::table,
                    "",
                    "{ per = \"/16\", mean_per_block = 35 }",
                    0,
                    0,
                    "Hosts cluster in blocks of prefix length `per` (/8 to /30), `mean_per_block` "
                    "on average; blocks are drawn uniformly from the allocated space, or from "
                    "`within = [\"128.2.0.0/16\"]` (an enterprise's own blocks).",
                    "",
                    {}},
                   {"os", ParamType::mix, "", "", 0, 0, "Operating systems and service packs.", "",
                    names_of(kOsNames)},
                   {"services", ParamType::list, "", "", 0, 0, "Services every host runs.", "",
                    service_names()},
                   {"locale", ParamType::mix, "", "{ en = 1.0 }", 0, 0, "System locale.", "",
                    names_of(kLocaleNames)},
                   {"antivirus",
                    ParamType::probability,
                    "share",
                    "0",
                    0,
                    1,
                    "Share of hosts whose anti-virus stops infections (not crashes).",
                    "seed advisories (Blaster) [V]",
                    {}},
                   {"unreachable",
                    ParamType::probability,
                    "share",
                    "0",
                    0,
                    1,
                    "Share of hosts no probe reaches: behind NAT, or a host firewall dropping "
                    "unsolicited inbound connections (their own LAN included: a simplification).",
                    "",
                    {}},
                   {"patched", ParamType::table, "share", "{}", 0, 1,
                    "Share of hosts that applied each fix, e.g. { \"ms01-033\" = 0.3 }. One draw "
                    "per host decides them all (who applied a rare fix applied the common ones); "
                    "a fix needs its service-pack prerequisite; a service pack's own fixes always "
                    "count.",
                    "patch prerequisites: seed advisories [V]", patch_names()},
               }});
  t.push_back(
      {"table",
       "worm",
       "The worm released: a model from `wormsim models` and its keys.",
       "",
       {{"model",
         ParamType::choice,
         "",
         "",
         0,
         0,
         "Which worm; [[worm]] tables release several together.",
         "",
         {"codered-v1", "codered-v2", "codered-ii", "sadmind-iis", "blaster", "welchia"}}}});
  t.push_back({"table", "defence",
               "[[defence]]: a defence policy scheduled from `start` (one table per policy); the "
               "keys of its kind are listed under that kind (wormsim models patch, ...).",
               "", defence_common_params(false)});
  t.push_back({"table", "action",
               "[[action]]: a defence applied at a time `at`, an exercise inject; logged in "
               "actions.csv. Takes the keys of [[defence]] with `at` and `do` for `start` and "
               "`kind`.",
               "", defence_common_params(true)});
  t.push_back(
      {"table",
       "variant",
       "[[variant]]: one column of `wormsim compare FILE` — the scenario plus its own "
       "[[variant.defence]] and [[variant.action]] tables. `wormsim run FILE` runs the "
       "scenario without them unless --variant NAME is given.",
       "",
       {{"name", ParamType::string, "", "", 0, 0, "The column's name.", "", {}},
        {"description", ParamType::string, "", "\"\"", 0, 0, "What the variant shows.", "", {}},
        {"defence",
         ParamType::table,
         "",
         "(none)",
         0,
         0,
         "[[variant.defence]] tables, as [[defence]].",
         "",
         {}},
        {"action",
         ParamType::table,
         "",
         "(none)",
         0,
         0,
         "[[variant.action]] tables, as [[action]].",
         "",
         {}}}});
  t.push_back(
      {"table",
       "network",
       "[network]: the topology the outbreak runs over. Worm traffic is a fluid on its links "
       "(probes with their SYN retransmissions, Welchia's echoes); saturated links drop packets "
       "and the hits that need them; devices on its nodes crash; links.csv, "
       "links_summary.csv and devices.csv record it.",
       "DESIGN.md, \"Network impact\"",
       {
           {"topology", ParamType::string, "", "", 0, 0,
            "A generator (transit-stub, as-powerlaw, campus: `wormsim topo --list-generators`) or a "
            "file: GraphML (Topology Zoo or a planner's own) or an AS graph (.txt), relative "
            "to the scenario file.", "", {}},
           {"parameters", ParamType::table, "", "{}", 0, 0,
            "Generator parameters, key = value with its unit (`wormsim topo --list-generators`).",
            "", {}},
           {"nodes", ParamType::integer, "nodes", "0", 0, 1e7,
            "Generator size as `wormsim topo --nodes`; 0: from the parameters.", "", {}},
           {"seed", ParamType::integer, "", "(the simulation seed)", 0, 9.007199254740991e15,
            "Generator seed.", "", {}},
           {"traffic", ParamType::string, "", "\"\"", 0, 0,
            "Measured background traffic per link (CSV: from,to,bps[,reverse_bps]) for a "
            "planner's GraphML.", "", {}},
           {"inside", ParamType::list, "", "[]", 0, 0,
            "For a topology with an internet node (imported networks, campus): the address "
            "blocks its other nodes own, split in equal contiguous ranges between the nodes "
            "hosts sit behind (site nodes, else access, else all); the rest of the space lies "
            "behind the internet node. Without an internet node the whole space is split so.",
            "", {}},
           {"step", ParamType::duration, "", "1s", 1e-3, 86400,
            "Network step: link loads, drops and device states are brought up to date at "
            "every step (a barrier of both schedulers).", "", {}},
           {"background_utilisation", ParamType::probability, "share", "0", 0, 1,
            "Background (non-worm) load on every link as a share of its capacity at the daily "
            "peak, for links without measured traffic.", "[?] planners' assumption", {}},
           {"daily_cycle", ParamType::table, "", "{ trough = 1.0, peak_hour = 15 }", 0, 0,
            "Background load over the day: the trough relative to the peak (1: flat), and "
            "the UTC hour of the peak; a cosine between them.", "[?] planners' assumption", {}},
           {"syn_attempts", ParamType::integer, "packets", "3", 1, 10,
            "SYN packets a connection attempt to an address that does not answer costs: "
            "Windows 2000/XP send the first and two retransmissions (TcpMaxConnect"
            "Retransmissions = 2).", "Microsoft KB 170359 [V]", {}},
           {"syn_bytes", ParamType::string, "B", "48B", 0, 0,
            "Size of a SYN packet (IP header 20, TCP 20, MSS and SACK options 8).",
            "Windows 2000 TCP/IP [S]", {}},
           {"echo_bytes", ParamType::string, "B", "92B", 0, 0,
            "Size of Welchia's ICMP echo request.", "REFERENCE.md, Welchia [V/S]", {}},
           {"flood_bytes", ParamType::string, "B", "40B", 0, 0,
            "Size of a packet of Code Red's flood of 198.137.240.91 (flood_rate packets/s per "
            "infected host on flood days). Blaster's flood is not put on links: "
            "windowsupdate.com no longer resolved by 16 August 2003.",
            "[?] a bare TCP/IP header, as Blaster's 40-byte SYNs", {}},
           {"links_every", ParamType::duration, "", "(sample_every)", 1e-6, 3.1536e7,
            "Interval between rows of links.csv (a multiple of sample_every).", "", {}},
           {"links", ParamType::choice, "", "loaded", 0, 0,
            "links.csv rows: 'loaded' (links carrying worm traffic at that time) or 'all'.",
            "", {"loaded", "all"}},
           {"target_utilisation", ParamType::probability, "share", "0.8", 0, 1,
            "The utilisation a link should stay under: links_summary.csv reports the "
            "capacity each link needs for it at its peak.", "", {}},
       }});
  t.push_back(
      {"table",
       "device",
       "[[device]]: a router or CPE model on topology nodes; the keys of its model are listed "
       "under it (wormsim models cisco-600, ...).",
       "",
       {
           {"model", ParamType::choice, "", "", 0, 0, "Which device.", "",
            {"cisco-600", "http-reboot", "cisco-ios"}},
           {"name", ParamType::string, "", "(model #N)", 0, 0, "Label in devices.csv.", "", {}},
           {"on", ParamType::list, "", "", 0, 0,
            "Node kinds (site, access, regional, core, border, distribution) or node ids it "
            "sits on.", "", {}},
           {"share", ParamType::probability, "share", "1", 0, 1,
            "Share of those nodes that have it (each node drawn once per replication).", "",
            {}},
       }});
  return t;
}

/// The keys Code Red v1 and v2 share: the same worm but for the seed of its generator.
std::vector<ParamSpec> code_red_params() {
  return {
      {"initial_infected",
       ParamType::integer,
       "hosts",
       "10",
       1,
       1e9,
       "Hosts infected at the start, drawn uniformly from the vulnerable ones.",
       "[?]",
       {}},
      {"probe_rate",
       ParamType::rate,
       "probes/s",
       "358/min",
       1e-9,
       1e9,
       "Connection attempts per infected host (100 threads waiting on SYN time-outs), "
       "modelled as a Poisson process.",
       "Zou, Gong, Towsley, CCS 2002: 358/min [S/?]",
       {}},
      {"exploit_delay",
       ParamType::duration,
       "",
       "500ms",
       1e-6,
       3600,
       "From the probe that reaches a vulnerable server to the server running the worm: TCP "
       "set-up and the ~4 kB request. Also the engine's lookahead.",
       "[?]",
       {}},
      {"spread_until_day",
       ParamType::integer,
       "day of month",
       "20",
       1,
       32,
       "Spreading stops at 00:00 UTC on this day of the month (then flood, then dormant).",
       "CERT CA-2001-23 [V/S]",
       {}},
      {"dormant_from_day",
       ParamType::integer,
       "day of month",
       "28",
       1,
       32,
       "The flood of 198.137.240.91 (www.whitehouse.gov) on TCP 80 runs from spread_until_day "
       "to the day before this one; then the worm sleeps until a reboot clears it.",
       "CERT CA-2001-23 [V/S]",
       {}},
      {"flood_rate",
       ParamType::rate,
       "packets/s",
       "100/s",
       0,
       1e9,
       "Packets each infected host sends to 198.137.240.91 on flood days (one per thread per "
       "second stands in for the undocumented rate; counted in flood_packets).",
       "[?]",
       {}},
  };
}

/// Keys every [[defence]] and [[action]] takes (the "defence" and "action" scenario tables).
std::vector<ParamSpec> defence_common_params(bool action) {
  std::vector<ParamSpec> p;
  if (action) {
    p.push_back({"at",
                 ParamType::duration,
                 "",
                 "",
                 0,
                 3.1536e8,
                 "When the action is taken, since the scenario's start (\"2h30m\").",
                 "",
                 {}});
    p.push_back({"do", ParamType::choice, "", "", 0, 0, "Which defence the action applies.", "",
                 defence_kind_names()});
  } else {
    p.push_back(
        {"kind", ParamType::choice, "", "", 0, 0, "Which defence.", "", defence_kind_names()});
    p.push_back({"start",
                 ParamType::duration,
                 "",
                 "0s",
                 0,
                 3.1536e8,
                 "When the defence starts, since the scenario's start.",
                 "",
                 {}});
  }
  p.push_back({"name",
               ParamType::string,
               "",
               "(kind and place in the file)",
               0,
               0,
               "Label in the action log and the outputs.",
               "",
               {}});
  p.push_back({"populations",
               ParamType::list,
               "",
               "[] (every population)",
               0,
               0,
               "The populations (host groups) it acts on.",
               "",
               {}});
  p.push_back({"blocks",
               ParamType::list,
               "",
               "[] (anywhere)",
               0,
               0,
               "Address blocks (\"a.b.c.d/len\") it acts on; with populations, hosts in both.",
               "",
               {}});
  p.push_back({"coverage",
               ParamType::probability,
               "",
               "1",
               0,
               1,
               "Share of the selected hosts (sites, for border-firewall, blacklist and "
               "content-filter) that adopt it in the end. Each host's adoption draw is its own "
               "(common random numbers): a lower coverage adopts a subset of a higher one.",
               "",
               {}});
  p.push_back({"adoption",
               ParamType::choice,
               "",
               "immediate",
               0,
               0,
               "How adoption spreads after the start: at once; linearly (half the coverage at "
               "half_time, all of it at twice that); as a logistic S-curve (half at half_time, "
               "scale spread); or as a table (coverage_by_time). Host defences only.",
               "",
               {"immediate", "linear", "logistic", "table"}});
  p.push_back({"half_time",
               ParamType::duration,
               "",
               "1d",
               0,
               3.1536e8,
               "Linear and logistic adoption: time from the start to half the coverage.",
               "",
               {}});
  p.push_back({"spread",
               ParamType::duration,
               "",
               "6h",
               0,
               3.1536e8,
               "Logistic adoption: the S-curve's scale (10% to 90% of the coverage takes about "
               "4.4 spreads).",
               "",
               {}});
  p.push_back({"coverage_by_time",
               ParamType::table,
               "",
               "(none)",
               0,
               0,
               "Table adoption: { \"1d\" = 0.3, \"3d\" = 0.6 } — the share adopted by each time "
               "since the start, linear in between from 0 at the start (replaces coverage).",
               "",
               {}});
  return p;
}

std::vector<ModelInfo> defence_models() {
  const std::vector<std::string> fixes = patch_names();
  const std::string rules = "Port rules: \"tcp/135\", \"udp/137-139\", \"tcp/1-65535\", \"icmp\". ";
  return {
      {"defence",
       "patch",
       "Install a security fix: where its prerequisite service pack is present, from the "
       "adoption time; the install takes install_time and ends with a reboot (which clears Code "
       "Red v1/v2 from memory). A host that crashes or reboots before the install ends starts "
       "again when it is back up. Closes the hole for every worm that uses it; a host already "
       "running a persistent worm (Code Red II, Blaster, Welchia, sadmind/IIS) keeps it: Code "
       "Red II needs a reinstall.",
       "Microsoft bulletins MS00-078, MS01-033, MS01-044, MS03-026, MS03-039, MS03-007; Sun "
       "#00191; prerequisites from the seed advisories [V]",
       {{"fix", ParamType::choice, "", "", 0, 0, "Which fix.", "", fixes},
        {"install_time",
         ParamType::duration,
         "",
         "10m",
         0,
         86400,
         "From the start of the install (download, service pack check, hotfix) to its reboot.",
         "[?]",
         {}}}},
      {"defence",
       "remove-mappings",
       "Remove IIS's .ida/.idq script mappings: the Code Red family no longer infects the host "
       "(a running copy stays until the next reboot); IIS 4.0 with URL redirection still crashes "
       "on Code Red's request.",
       "Microsoft MS01-033 workaround; CERT CA-2001-13 [V]",
       {}},
      {"defence",
       "disable-dcom",
       "Turn DCOM off (dcomcnfg): after the next reboot (which it triggers), Blaster and Welchia "
       "no longer reach DCOM RPC — on Windows 2000 SP3 or later, XP and Server 2003; on 2000 "
       "RTM–SP2 and NT 4.0 the exploit still works.",
       "Microsoft MS03-026 workarounds; seed advisories [V]",
       {}},
      {"defence",
       "disable-cis",
       "Turn COM Internet Services / RPC over HTTP off (TCP 80, 593). The built-in worms attack "
       "TCP 135, so it protects nothing against them: the advisories list it for completeness.",
       "Microsoft MS03-026 workarounds [V]",
       {}},
      {"defence",
       "border-firewall",
       "A site's border firewall: port rules inbound (from other sites) and outbound (to other "
       "sites); traffic inside the site is untouched. " +
           rules +
           "Blocking TCP 80 inbound takes the site's own web servers off the net: a scenario "
           "that does it must say so (web_servers_offline = true).",
       "Seed advisories for Blaster (TCP/UDP 135, TCP 139, 445, 593, 4444, UDP 69) and "
       "sadmind/IIS (137-139) [V]",
       {{"block_in",
         ParamType::list,
         "",
         "[]",
         0,
         0,
         "Inbound traffic blocked: probes and exploits into the site, and replies to its own "
         "hosts' connections out (TFTP pulls by its victims elsewhere).",
         "",
         {}},
        {"block_out",
         ParamType::list,
         "",
         "[]",
         0,
         0,
         "Outbound traffic blocked: its infected hosts' probes to other sites, its hosts' TFTP "
         "pulls from attackers elsewhere.",
         "",
         {}},
        {"web_servers_offline",
         ParamType::boolean,
         "",
         "false",
         0,
         0,
         "Accept that blocking TCP 80 inbound cuts the site's web servers off.",
         "",
         {}}}},
      {"defence",
       "icf",
       "Windows XP / Server 2003 Internet Connection Firewall: drops unsolicited inbound "
       "traffic (DCOM RPC, ICMP echo) except the ports left open; not available on 2000 or NT "
       "4.0.",
       "Seed advisories for Blaster [V]",
       {{"open",
         ParamType::list,
         "",
         "[]",
         0,
         0,
         "Ports left open (a web server keeps \"tcp/80\").",
         "",
         {}}}},
      {"defence",
       "ipsec",
       "IPSec port filters on the host (Windows 2000, XP, Server 2003; not NT 4.0). " + rules,
       "Seed advisories for Blaster [V]",
       {{"block_in", ParamType::list, "", "[]", 0, 0, "Inbound traffic the host drops.", "", {}},
        {"block_out",
         ParamType::list,
         "",
         "[]",
         0,
         0,
         "Outbound traffic the host drops.",
         "",
         {}}}},
      {"defence",
       "antivirus",
       "Anti-virus signatures: stop Blaster's and Welchia's files (the infection), not the RPC "
       "crash that the exploit causes.",
       "Seed advisories for Blaster [V]",
       {}},
      {"defence",
       "quarantine",
       "Detect scanning hosts (after an exponential delay of mean detect_after from when they "
       "start scanning), disconnect them, clean them (every worm removed, every fix their OS "
       "takes applied: a reinstall for Code Red II) and reconnect after clean_time. With scope "
       "= \"site\" (the home-LAN rule) the whole site is cut off from other sites, every machine "
       "in it is cleaned, and it is reconnected when the last one is done.",
       "Seed advisories (disconnect, clean, patch, reconnect) [V]",
       {{"detect_after",
         ParamType::duration,
         "",
         "30m",
         0,
         3.1536e7,
         "Mean delay from a host starting to scan to its detection.",
         "[?]",
         {}},
        {"clean_time",
         ParamType::duration,
         "",
         "4h",
         0,
         3.1536e7,
         "From disconnection to the host being clean, patched and reconnected.",
         "[?]",
         {}},
        {"scope",
         ParamType::choice,
         "",
         "host",
         0,
         0,
         "host: disconnect the host; site: disconnect its site until every machine is clean.",
         "",
         {"host", "site"}}}},
      {"defence",
       "blacklist",
       "Address blacklisting (Moore, Shannon, Voelker, Savage, INFOCOM 2003): reaction_time "
       "after a host is infected its address is known, and the deploying sites drop its "
       "traffic at their border (both directions).",
       "Moore et al., INFOCOM 2003 [V]",
       {{"reaction_time",
         ParamType::duration,
         "",
         "20m",
         0,
         3.1536e7,
         "From a host's infection to its address being blacklisted.",
         "[?]",
         {}}}},
      {"defence",
       "content-filter",
       "Content filtering (Moore et al., INFOCOM 2003): reaction_time after the defence's start "
       "the worm's signature is known, and the deploying sites drop every worm packet at their "
       "border (both directions).",
       "Moore et al., INFOCOM 2003 [V]",
       {{"reaction_time",
         ParamType::duration,
         "",
         "2h",
         0,
         3.1536e7,
         "From the start to the signature being deployed.",
         "[?]",
         {}}}},
  };
}


/// Device models: what a router or CPE does under worm traffic. Every model takes every key;
/// the defaults say which failure it has (0 for a limit: none).
std::vector<ModelInfo> device_models() {
  auto keys = [](bool http_crash, const char* recovery, bool recovers, const char* max_pps,
                 const char* cache_entries, const char* arp_pending, const char* reload_time) {
    return std::vector<ParamSpec>{
        {"http_crash", ParamType::boolean, "", http_crash ? "true" : "false", 0, 0,
         "A TCP port-80 probe reaching the device's own address (its web configuration page) "
         "makes it stop forwarding.", "Cisco advisory 2001-08-23; JPCERT/CC [V]", {}},
        {"recovery", ParamType::duration, "", recovery, 1e-3, 3.1536e7,
         "Mean time until a crashed device forwards again (exponential): a power cycle by its "
         "owner, or its own reboot.", "one ISP's customers saw crashes every 2-3 hours [S]", {}},
        {"recovers", ParamType::boolean, "", recovers ? "true" : "false", 0, 0,
         "false: a crashed device stays down to the end of the run.", "", {}},
        {"max_pps", ParamType::real, "packets/s", max_pps, 0, 1e12,
         "Packets per second the router can forward (worm packets arriving on its links); "
         "above it the router is overloaded. 0: no limit.", "[?] fast-switching figures", {}},
        {"cache_entries", ParamType::real, "entries", cache_entries, 0, 1e12,
         "Per-destination fast-switching cache entries its memory holds: every probe to a new "
         "destination through it adds one for cache_lifetime. 0: no limit (CEF).",
         "Cisco: CEF avoids it [V]; Welchia reloads of 2600/7200 [S]", {}},
        {"cache_lifetime", ParamType::duration, "", "60s", 1e-3, 86400,
         "How long a cache entry lives.", "[?]", {}},
        {"arp_pending", ParamType::real, "entries", arp_pending, 0, 1e12,
         "Outstanding ARP requests it can hold: every local probe to an unused address on a "
         "segment it serves leaves one for arp_timeout. 0: no limit.",
         "NANOG 2001 on Code Red II ARP storms [S]", {}},
        {"arp_timeout", ParamType::duration, "", "2s", 1e-3, 3600,
         "How long an unanswered ARP request is held.", "[?] IOS retries once a second", {}},
        {"reload_probability", ParamType::probability, "per step", "0.01", 0, 1,
         "Probability per network step that an overloaded router reloads.", "[?]", {}},
        {"reload_time", ParamType::duration, "", reload_time, 1e-3, 86400,
         "How long a reload keeps the router down.", "[?] a 2001 IOS router boots in minutes",
         {}},
    };
  };
  return {
      {"device", "cisco-600",
       "Cisco 600 series DSL router (627-678) on CBOS 2.4.2ap or earlier: a probe of its web "
       "configuration page stops it forwarding until power-cycled.",
       "Cisco Security Advisory 'Code Red Worm - Customer Impact', 2001-08-23 [V]",
       keys(true, "3h", true, "0", "0", "0", "1m")},
      {"device", "http-reboot",
       "CPE that reboots when its web interface is probed (YAMAHA RT80i, RTA50i, Furukawa "
       "MUCHO-E, INFONET-VP100, FITELnet-E, Cisco CSS 11000): back after a reboot.",
       "JPCERT/CC Code Red alert, 2001 [V]", keys(true, "1m", true, "0", "0", "0", "1m")},
      {"device", "cisco-ios",
       "Cisco IOS router with fast switching: forwarding rate, per-destination cache and "
       "pending ARP entries against its limits; overloaded, it may reload.",
       "Cisco on Code Red II and Welchia [V]; NANOG 2001 [S]",
       keys(false, "5m", true, "70000", "100000", "2048", "5m")},
  };
}

std::vector<ModelInfo> make_builtin_models() {
  std::vector<ModelInfo> m;
  std::vector<ParamSpec> v1 = code_red_params();
  v1.push_back({"sequence_seed",
                ParamType::integer,
                "",
                "1",
                0,
                4294967295.0,
                "Which fixed sequence every copy walks (the worm's static seed stands in here).",
                "",
                {}});
  m.push_back(
      {"worm", "codered-v1",
       "Code Red v1 (12 July 2001): the same worm as v2 but its generator has a static seed, so "
       "every copy probes the same address sequence from its beginning and the outbreak crawls; "
       "TCP 80, IIS 4/5 with the .ida/.idq mappings, days 1-19 of the month, memory-resident.",
       "CERT CA-2001-19; Moore, Shannon, Brown, IMW 2002 (CAIDA); REFERENCE.md", v1});
  m.push_back(
      {"worm", "codered-v2",
       "Code Red v2 (19 July 2001): uniform random scanning of IPv4 on TCP 80, infects IIS 4/5 "
       "with the Index Server .ida/.idq mappings (MS01-033); spreads on days 1-19 of the month "
       "(host clock, UTC), memory-resident.",
       "CERT CA-2001-23; Moore, Shannon, Brown, IMW 2002 (CAIDA); REFERENCE.md",
       code_red_params()});
  m.push_back(
      {"worm",
       "codered-ii",
       "Code Red II (4 August 2001): local-preference scanning on TCP 80 (1/2 same /8, 3/8 same "
       "/16, 1/8 anywhere), infects IIS 5.0 with the .ida mappings on Windows 2000 only; NT 4.0 "
       "IIS crashes instead. Persistent backdoor (root.exe, explorer.exe trojan): a reboot does "
       "not clear it. Spreads for a day (two on Chinese systems), then reboots the host.",
       "CERT IN-2001-09; eEye analysis; REFERENCE.md",
       {
           {"initial_infected",
            ParamType::integer,
            "hosts",
            "10",
            1,
            1e9,
            "Hosts infected at the start, drawn uniformly from the infectable ones.",
            "[?]",
            {}},
           {"threads",
            ParamType::integer,
            "threads",
            "300",
            1,
            100000,
            "Scanning threads per infected host.",
            "eEye analysis [V]",
            {}},
           {"threads_zh",
            ParamType::integer,
            "threads",
            "600",
            1,
            100000,
            "Scanning threads on Chinese-locale hosts.",
            "eEye analysis [V]",
            {}},
           {"probe_rate_per_thread",
            ParamType::rate,
            "probes/s",
            "3.58/min",
            1e-9,
            1e9,
            "Connection attempts per thread: Code Red's 358/min over its 100 threads.",
            "derived from Zou et al. [?]",
            {}},
           {"same_slash8",
            ParamType::probability,
            "",
            "0.5",
            0,
            1,
            "Probability a probe targets the host's own /8.",
            "eEye analysis [V]",
            {}},
           {"same_slash16",
            ParamType::probability,
            "",
            "0.375",
            0,
            1,
            "Probability a probe targets the host's own /16 (the rest: anywhere).",
            "eEye analysis [V]",
            {}},
           {"active_period",
            ParamType::duration,
            "",
            "24h",
            1e-6,
            3.1536e7,
            "Scanning time before the worm reboots the host.",
            "[?]",
            {}},
           {"active_period_zh",
            ParamType::duration,
            "",
            "48h",
            1e-6,
            3.1536e7,
            "Scanning time on Chinese-locale hosts.",
            "[?]",
            {}},
           {"reboot_time",
            ParamType::duration,
            "",
            "2m",
            1e-6,
            86400,
            "How long a reboot keeps a host off the network.",
            "[?]",
            {}},
           {"iis_down_for",
            ParamType::duration,
            "",
            "30m",
            1e-6,
            3.1536e7,
            "How long a crashed IIS stays down before it is restarted.",
            "[?]",
            {}},
           {"exploit_delay",
            ParamType::duration,
            "",
            "500ms",
            1e-6,
            3600,
            "From the probe that reaches a vulnerable server to the server running the worm.",
            "[?]",
            {}},
       }});
  m.push_back(
      {"worm",
       "sadmind-iis",
       "sadmind/IIS (May 2001): breaks into Solaris through the sadmind overflow, then sweeps "
       "random class B (/16) networks address by address on TCP 80: Solaris hosts it reaches "
       "are attacked through sadmind, IIS 4.0/5.0 servers without MS00-078 are defaced through "
       "the Unicode directory traversal; after defacing `deface_limit` servers it defaces its "
       "own host. One sweep carries both attacks. Persistent across reboots.",
       "CERT CA-2001-11; REFERENCE.md",
       {
           {"initial_infected",
            ParamType::integer,
            "hosts",
            "5",
            1,
            1e9,
            "Solaris hosts infected at the start, drawn uniformly from the vulnerable ones.",
            "[?]",
            {}},
           {"probe_rate",
            ParamType::rate,
            "probes/s",
            "50/s",
            1e-9,
            1e9,
            "Addresses probed per second per infected host, as a Poisson process.",
            "[?] chosen so that one copy defaces about 2,000 servers in three weeks, as the log "
            "CERT CA-2001-11 describes",
            {}},
           {"sweep_block",
            ParamType::integer,
            "prefix length",
            "16",
            1,
            32,
            "Size of the random networks swept, as a prefix length (a class B: /16).",
            "CERT CA-2001-11 [V]",
            {}},
           {"sadmind_success",
            ParamType::probability,
            "",
            "0.5",
            0,
            1,
            "Probability that the sadmind attack on a vulnerable Solaris host works (the exploit "
            "brute-forces a stack offset).",
            "[?]",
            {}},
           {"deface_limit",
            ParamType::integer,
            "servers",
            "2000",
            1,
            1e9,
            "IIS servers defaced before the worm defaces its own Solaris host.",
            "CERT CA-2001-11 [V]",
            {}},
           {"exploit_delay",
            ParamType::duration,
            "",
            "10s",
            1e-6,
            3600,
            "From the probe to the attack completing on the target.",
            "[?]",
            {}},
       }});
  m.push_back(
      {"worm",
       "blaster",
       "Blaster (11 August 2003): sequential scanning of TCP 135 from a 60% random / 40% local "
       "start, 20 connects per batch; one exploit (Windows XP offsets with probability 0.8, "
       "else 2000) per run, the wrong one crashing RPC and rebooting the machine after 60 s; "
       "Server 2003 stops RPC; NT 4.0 crashes; anti-virus stops the infection but not the crash; "
       "the victim pulls msblast.exe over TFTP, which can fail. Persistent across reboots.",
       "Microsoft MS03-026; CERT CA-2003-20; Bailey et al., IEEE S&P 2005; REFERENCE.md",
       {
           {"initial_infected",
            ParamType::integer,
            "hosts",
            "10",
            1,
            1e9,
            "Hosts infected at the start, drawn uniformly from the infectable ones.",
            "[?]",
            {}},
           {"batch_size",
            ParamType::integer,
            "probes",
            "20",
            1,
            100000,
            "Non-blocking connects per batch.",
            "disassembly [V]",
            {}},
           {"batch_interval",
            ParamType::duration,
            "",
            "1.8s",
            1e-6,
            3600,
            "Time between batches.",
            "disassembly [V]",
            {}},
           {"random_start",
            ParamType::probability,
            "",
            "0.6",
            0,
            1,
            "Probability a run starts at a random address (else near its own).",
            "disassembly [V]",
            {}},
           {"xp_offsets",
            ParamType::probability,
            "",
            "0.8",
            0,
            1,
            "Probability a run uses the Windows XP offsets (else Windows 2000).",
            "disassembly [V]",
            {}},
           {"tftp_success",
            ParamType::probability,
            "",
            "0.9",
            0,
            1,
            "Probability that the victim's TFTP pull of msblast.exe completes.",
            "[?]",
            {}},
           {"tftp_time",
            ParamType::duration,
            "",
            "11s",
            0,
            3600,
            "From the exploit to the worm running on the victim: the TFTP pull (512-byte blocks "
            "about 900 ms apart).",
            "[V/?]",
            {}},
           {"reboot_after_crash",
            ParamType::duration,
            "",
            "60s",
            0,
            86400,
            "Shutdown countdown after an RPC crash (XP's default recovery action).",
            "seed advisories [V]",
            {}},
           {"flood_rate",
            ParamType::rate,
            "packets/s",
            "50/s",
            0,
            1e9,
            "SYN packets (40 bytes, one every 20 ms) each infected host sends to "
            "windowsupdate.com on TCP 80 on flood days.",
            "disassembly, REFERENCE.md [V]",
            {}},
           {"flood_from_day",
            ParamType::integer,
            "day of month",
            "16",
            1,
            32,
            "The SYN flood runs on this day of every month and after it.",
            "disassembly, REFERENCE.md [V]",
            {}},
           {"flood_from_month",
            ParamType::integer,
            "month",
            "9",
            1,
            13,
            "...and on every day of this month and the later ones (September to December); 13 "
            "for never.",
            "disassembly, REFERENCE.md [V]",
            {}},
           {"reboot_time",
            ParamType::duration,
            "",
            "2m",
            1e-6,
            86400,
            "How long a reboot keeps a host off the network.",
            "[?]",
            {}},
           {"exploit_delay",
            ParamType::duration,
            "",
            "1s",
            1e-6,
            3600,
            "From the probe to the exploit running on the target (TCP set-up, the RPC request).",
            "[?]",
            {}},
       }});
  m.push_back(
      {"worm",
       "welchia",
       "Welchia/Nachi (18 August 2003): pings each target with a 92-byte ICMP echo before trying "
       "it, exploits DCOM RPC (MS03-026) and WebDAV (MS03-007), deletes Blaster, downloads and "
       "installs the MS03-026 patch, and reboots the host; it keeps scanning after the reboot.",
       "Symantec W32.Welchia.Worm; seed advisories; REFERENCE.md",
       {
           {"initial_infected",
            ParamType::integer,
            "hosts",
            "10",
            1,
            1e9,
            "Hosts infected at the start, drawn uniformly from the infectable ones.",
            "[?]",
            {}},
           {"ping_rate",
            ParamType::rate,
            "pings/s",
            "140/s",
            1e-9,
            1e9,
            "ICMP echoes per infected host (over 500,000 an hour); each is a probe.",
            "REFERENCE.md [V/S]",
            {}},
           {"random_start",
            ParamType::probability,
            "",
            "0.5",
            0,
            1,
            "Probability a sweep starts at a random address (else near its own).",
            "[?]",
            {}},
           {"patch_success",
            ParamType::probability,
            "",
            "0.9",
            0,
            1,
            "Probability the patch download and install succeed.",
            "[?]",
            {}},
           {"patch_time",
            ParamType::duration,
            "",
            "5m",
            0,
            86400,
            "From the infection to the reboot that completes the patch.",
            "[?]",
            {}},
           {"remove_in_year",
            ParamType::integer,
            "year",
            "2004",
            1970,
            9999,
            "The worm deletes itself once the host clock reaches 1 January of this year.",
            "Symantec W32.Welchia.Worm; REFERENCE.md [V/S]",
            {}},
           {"reboot_time",
            ParamType::duration,
            "",
            "2m",
            1e-6,
            86400,
            "How long a reboot keeps a host off the network.",
            "[?]",
            {}},
           {"exploit_delay",
            ParamType::duration,
            "",
            "1s",
            1e-6,
            3600,
            "From the echo reply to the exploit running on the target.",
            "[?]",
            {}},
       }});
  // Every worm: where its initially infected hosts are drawn from.
  for (ModelInfo& info : m) {
    if (info.kind != "worm") continue;
    auto at = std::find_if(info.params.begin(), info.params.end(),
                           [](const ParamSpec& p) { return p.key == "initial_infected"; });
    if (at != info.params.end()) ++at;
    info.params.insert(at, {"initial_populations",
                            ParamType::list,
                            "",
                            "[]",
                            0,
                            0,
                            "Populations the initially infected hosts are drawn from (default: "
                            "every population): an outbreak that starts inside one network.",
                            "",
                            {}});
  }
  for (ModelInfo& d : defence_models()) m.push_back(std::move(d));
  for (ModelInfo& d : device_models()) m.push_back(std::move(d));
  m.push_back({"strategy",
               "uniform",
               "Uniform random scanning over the scenario's prefix: the next relevant hit after a "
               "geometric number of probes, at a uniformly chosen relevant address.",
               "Staniford, Paxson, Weaver, USENIX Security 2002",
               {}});
  return m;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

const std::vector<ModelInfo>& scenario_tables() {
  static const std::vector<ModelInfo> tables = make_scenario_tables();
  return tables;
}

const std::vector<ModelInfo>& builtin_models() {
  static const std::vector<ModelInfo> models = make_builtin_models();
  return models;
}

const ModelInfo* find_model(std::string_view kind, std::string_view name) {
  for (const auto& m : builtin_models())
    if (m.kind == kind && m.name == name) return &m;
  return nullptr;
}

std::string model_names(std::string_view kind) {
  std::string out;
  for (const auto& m : builtin_models())
    if (m.kind == kind) out += (out.empty() ? "" : ", ") + m.name;
  return out;
}

std::optional<std::string> nearest(std::string_view word,
                                   const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  std::size_t best_distance = 0;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(word, c);
    if (!best || d < best_distance) {
      best = c;
      best_distance = d;
    }
  }
  // A typo changes a few characters; a different word is not a suggestion.
  if (best && best_distance <= std::max<std::size_t>(2, word.size() / 3)) return best;
  return std::nullopt;
}

}  // namespace wormsim::models
