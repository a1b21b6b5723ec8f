/// The sysctls the lab sets, each so that the kernel drops or answers nothing for a reason
/// outside spoofguard's model — the evaluator's predictions can then be exact.
enum LabSysctls {
    /// Router namespace, written before any device exists (new devices copy `default`).
    static let router: [(key: String, value: String, why: String)] = [
        // Forwarding first: writing it resets other per-device settings to their defaults.
        ("net/ipv4/ip_forward", "1", "packets to non-local destinations reach the forward hook instead of being dropped as unroutable"),
        ("net/ipv6/conf/all/forwarding", "1", "same for IPv6; a forwarding host also sends no router solicitations"),
        ("net/ipv4/conf/all/rp_filter", "0", "reverse-path filtering would drop spoofed sources that have no route back; the model has no uRPF"),
        ("net/ipv4/conf/default/rp_filter", "0", "the same for the lab's devices (the effective value is the maximum of all and the device)"),
        ("net/ipv4/conf/all/accept_local", "1", "otherwise fib_validate_source drops a source equal to one of the router's own addresses (e.g. 127.0.0.1 with route_localnet on); the model does not"),
        ("net/ipv4/conf/default/accept_local", "1", "the same for the lab's devices"),
        ("net/ipv4/conf/all/route_localnet", "0", "the per-device value alone decides, as each packet's routeLocalnet says"),
        ("net/ipv4/conf/default/route_localnet", "0", "devices start with the kernel default"),
        ("net/ipv4/conf/all/send_redirects", "0", "no ICMP redirects back into the counters"),
        ("net/ipv4/conf/default/send_redirects", "0", "the same for the lab's devices"),
        ("net/ipv6/conf/all/accept_dad", "0", "no duplicate address detection traffic"),
        ("net/ipv6/conf/default/accept_dad", "0", "the same for the lab's devices"),
        ("net/ipv6/conf/default/addr_gen_mode", "1", "no link-local addresses: the router sends no neighbour discovery or MLD of its own"),
        ("net/ipv4/igmp_link_local_mcast_reports", "0", "no IGMP reports for link-local groups, whose looped-back copies would be delivered"),
        ("net/ipv4/icmp_msgs_burst", "0", "no ICMP errors (port unreachable…) whose loopback copies would reach the counters"),
        ("net/ipv4/icmp_echo_ignore_all", "1", "no echo replies"),
        ("net/ipv6/icmp/echo_ignore_all", "1", "no ICMPv6 echo replies"),
    ]

    /// Set only when present: they exist while br_netfilter is loaded on the host, and then
    /// default to 1 — bridged frames would also traverse the inet hooks, which the model (and a
    /// host without br_netfilter) does not do.
    static let routerIfPresent: [(key: String, value: String, why: String)] = [
        ("net/bridge/bridge-nf-call-iptables", "0", "bridged IPv4 frames do not enter inet hooks"),
        ("net/bridge/bridge-nf-call-ip6tables", "0", "bridged IPv6 frames do not enter inet hooks"),
        ("net/bridge/bridge-nf-call-arptables", "0", "bridged ARP does not enter arp hooks"),
    ]

    /// Outside namespace: it only injects, and must send nothing of its own.
    static let outside: [(key: String, value: String, why: String)] = [
        ("net/ipv6/conf/all/disable_ipv6", "1", "the peers send no router solicitations, DAD or MLD into the router"),
        ("net/ipv6/conf/default/disable_ipv6", "1", "the same for the peers created later"),
    ]
}
