/// What the running kernel accepts for netdev (ingress) hooks. Found by a probe that commits
/// nothing (SpoofGuardNetlink's `KernelFeatureProbe`); tests simulate an older kernel with it.
public struct KernelFeatures: Sendable, Hashable {
    /// A netdev chain may name a device that does not exist yet: it binds when the device
    /// appears (and again after it is re-created). Older kernels (6.1) answer ENOENT.
    public var absentDevices: Bool
    /// NFTA_DEVICE_PREFIX: a netdev chain hooks every device whose name starts with a prefix,
    /// present or future (kernel 6.16 and later; older ones answer EINVAL).
    public var devicePrefixes: Bool

    public init(absentDevices: Bool, devicePrefixes: Bool) {
        self.absentDevices = absentDevices
        self.devicePrefixes = devicePrefixes
    }

    /// The features a simulated kernel has, from a comma-separated list of `absent-devices` and
    /// `device-prefixes`, or `none`: the test hook `spoofguard watch --simulate-kernel-features`.
    /// Nil for anything else.
    public init?(simulating list: String) {
        let names = list.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard names == ["none"] || (!names.isEmpty && names.allSatisfy(["absent-devices", "device-prefixes"].contains)) else { return nil }
        self.init(absentDevices: names.contains("absent-devices"), devicePrefixes: names.contains("device-prefixes"))
    }

    /// One line for text output, e.g. "netdev hooks on absent devices: yes; device prefixes: no".
    public var summary: String {
        "netdev hooks on absent devices: \(absentDevices ? "yes" : "no"); device prefixes (NFTA_DEVICE_PREFIX): \(devicePrefixes ? "yes" : "no")"
    }
}

/// A netdev chain that needs a kernel feature this kernel lacks: refused before anything is
/// sent, so that nothing half-applies and nothing silently waits for a device.
public struct MissingKernelFeatureError: Error, Equatable, CustomStringConvertible {
    public var table: String
    public var chain: String
    public var device: String
    public var feature: Feature

    public enum Feature: Sendable, Equatable {
        case absentDevices, devicePrefixes
    }

    public var description: String {
        switch feature {
        case .devicePrefixes:
            "netdev chain \(chain) of table \(table) binds to the prefix \"\(device)\", but this kernel does not accept "
                + "device prefixes on netdev hooks (NFTA_DEVICE_PREFIX, Linux 6.16 and later); use \"prerouting\" "
                + "(it matches interface names, wildcards included), or list the devices and let `spoofguard watch` follow them"
        case .absentDevices:
            "netdev chain \(chain) of table \(table) binds to \"\(device)\", which does not exist, and this kernel does not "
                + "bind netdev hooks to absent devices (Linux 6.16 and later); create the device first and let "
                + "`spoofguard watch` re-apply when it appears, or use \"prerouting\""
        }
    }
}

extension KernelFeatures {
    /// The first netdev device in `ruleset` this kernel cannot bind: a prefix ("wan*") without
    /// `devicePrefixes`, or a name absent from `existingDevices` without `absentDevices`.
    public func requirement(of ruleset: Ruleset, existingDevices: Set<String>) -> MissingKernelFeatureError? {
        for table in ruleset.tables {
            for chain in table.chains {
                for device in chain.base?.devices ?? [] {
                    if device.hasSuffix("*") {
                        if !devicePrefixes {
                            return MissingKernelFeatureError(table: "\(table.family.rawValue) \(table.name)", chain: chain.name,
                                                             device: device, feature: .devicePrefixes)
                        }
                    } else if !absentDevices && !existingDevices.contains(device) {
                        return MissingKernelFeatureError(table: "\(table.family.rawValue) \(table.name)", chain: chain.name,
                                                         device: device, feature: .absentDevices)
                    }
                }
            }
        }
        return nil
    }
}
