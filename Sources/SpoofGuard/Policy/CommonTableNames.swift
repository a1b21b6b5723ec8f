/// Table names that other tools create, so a policy using one risks meeting that tool's table.
/// apply and remove refuse to touch such a table all the same (`TableOwnership`); `check` warns
/// early, before anything reaches a kernel.
public enum CommonTableNames {
    /// Name → the tools known to create a table of that name (any family).
    public static let owners: [String: String] = [
        "filter": "iptables-nft, ebtables-nft and Debian's /etc/nftables.conf",
        "nat": "iptables-nft and ebtables-nft",
        "mangle": "iptables-nft",
        "raw": "iptables-nft",
        "security": "iptables-nft",
        "broute": "ebtables-nft",
        "firewalld": "firewalld",
        "firewalld_policy_drop": "firewalld",
        "fw4": "OpenWrt's firewall4",
        "docker": "Docker",
        "docker-bridges": "Docker's nftables backend",
        "libvirt": "libvirt",
        "libvirt_network": "libvirt's nftables backend",
        "kube-proxy": "kube-proxy's nftables mode",
        "ufw": "ufw",
        "netavark": "Podman's netavark",
        "lxd": "LXD",
        "incus": "Incus",
        "f2b-table": "fail2ban's nftables actions",
        "crowdsec": "the CrowdSec firewall bouncer",
        "nixos-fw": "the NixOS firewall",
    ]

    /// A warning for `$.table` when the policy's table name is one of these.
    public static func warning(for policy: Policy) -> PolicyProblem? {
        guard let owner = owners[policy.table] else { return nil }
        return PolicyProblem(path: "$.table", message: "warning: \"\(policy.table)\" is a table name \(owner) uses; "
            + "spoofguard refuses to replace or delete a table it did not create, so apply fails while that table exists: "
            + "give spoofguard's table its own name (the default \"\(Policy.defaultTable)\")")
    }
}
