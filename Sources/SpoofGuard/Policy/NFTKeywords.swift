/// Words nft's parser treats as keywords where a table name stands: such a name is a syntax
/// error in nft text (`table inet drop { }` does not parse, quoted or not, in nftables 1.0.6),
/// so the policy refuses it rather than yield a ruleset that `nft -f` cannot load.
/// The list is every keyword token of nftables 1.0.6's grammar (the quoted token names in
/// libnftables) for which `nft -c` refuses `table inet WORD { }`; most keywords are only
/// reserved after certain words, and nft accepts those as table names (`filter`, `input`,
/// `nat`, …). NFTKeywordTests repeats the check against nft when it is installed.
enum NFTKeywords {
    static let all: Set<String> = [
        "accept", "add", "ah", "all", "and", "arp", "auto-merge", "bridge", "cgroup", "chain",
        "comment", "comp", "constant", "continue", "counter", "cpu", "create", "ct", "day", "dccp",
        "define", "delete", "describe", "device", "devices", "dnat", "drop", "dst", "dup", "dynamic",
        "ecn", "element", "elements", "esp", "ether", "exists", "expires", "export", "exthdr", "fib",
        "flags", "flow", "flowtable", "flush", "frag", "fwd", "gc-interval", "get", "goto", "handle",
        "hbh", "hook", "hour", "ibriport", "ibrname", "icmp", "icmpv6", "igmp", "iif", "iifgroup",
        "iifname", "iiftype", "import", "include", "index", "inet", "insert", "interval", "ip", "ip6",
        "ipsec", "jhash", "jump", "limit", "list", "log", "map", "mark", "masquerade", "meta", "meter",
        "mh", "missing", "monitor", "netdev", "nftrace", "not", "notrack", "numgen", "obriport",
        "obrname", "offload", "oif", "oifgroup", "oifname", "oiftype", "or", "osf", "pkttype", "policy",
        "position", "priority", "queue", "quota", "random", "redefine", "redirect", "reject", "rename",
        "replace", "reset", "return", "rt", "rt0", "rt2", "rtclassid", "rule", "ruleset", "sctp",
        "secmark", "set", "size", "skgid", "skuid", "snat", "socket", "srh", "symhash", "synproxy",
        "table", "tcp", "th", "time", "timeout", "tproxy", "type", "typeof", "udp", "udplite",
        "undefine", "update", "vlan", "vmap", "xor", "xt",
    ]
}
