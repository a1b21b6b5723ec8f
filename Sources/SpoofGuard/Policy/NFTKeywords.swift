/// Words nft's parser treats as keywords where a table name stands: such a name is a syntax
/// error in nft text (`table inet drop { }` does not parse, quoted or not, in nftables 1.0.6),
/// so the policy refuses it rather than yield a ruleset that `nft -f` cannot load.
/// Each word here was checked against `nft -c` 1.0.6 (NFTKeywordTests repeats the check when
/// nft is installed); words nft accepts there (`filter`, `input`, `nat`, …) are allowed.
enum NFTKeywords {
    static let all: Set<String> = [
        "accept", "add", "ah", "all", "and", "arp", "auto-merge", "bridge", "cgroup", "chain",
        "comment", "comp", "constant", "continue", "counter", "cpu", "create", "ct", "day", "dccp",
        "define", "delete", "describe", "device", "devices", "dnat", "drop", "dst", "dup", "dynamic",
        "ecn", "element", "elements", "esp", "ether", "export", "exthdr", "fib", "flags", "flowtable",
        "flush", "frag", "fwd", "gc-interval", "goto", "handle", "hbh", "hook", "hour", "ibriport",
        "ibrname", "icmp", "icmpv6", "igmp", "iif", "iifgroup", "iifname", "iiftype", "import",
        "include", "index", "inet", "insert", "interval", "ip", "ip6", "ipsec", "jhash", "jump",
        "limit", "list", "log", "map", "mark", "masquerade", "meta", "mh", "monitor", "netdev",
        "nftrace", "not", "notrack", "numgen", "obriport", "obrname", "oif", "oifgroup", "oifname",
        "oiftype", "or", "osf", "pkttype", "policy", "position", "priority", "queue", "quota", "random",
        "redefine", "redirect", "reject", "rename", "replace", "reset", "return", "rt", "rt0", "rt2",
        "rtclassid", "rule", "ruleset", "sctp", "secmark", "set", "size", "skgid", "skuid", "snat",
        "socket", "srh", "symhash", "synproxy", "table", "tcp", "th", "time", "timeout", "tproxy",
        "type", "typeof", "udp", "udplite", "undefine", "vlan", "vmap", "xor", "xt",
    ]
}
