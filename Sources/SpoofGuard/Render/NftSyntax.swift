/// Spelling of nft's small syntactic pieces, shared by the listing and the load file.
enum NftSyntax {
    /// nft (1.0.6) prints strings between double quotes byte for byte, without escapes, and its
    /// scanner reads a quoted string up to the next `"`: so a string without `"` round-trips
    /// as it is, and one with `"` cannot be written at all (see `RenderProblem`).
    static func quoted(_ string: String) -> String { "\"" + string + "\"" }

    /// Big-endian bytes as nft prints an integer: `0x` and lower-case hex without leading
    /// zeros (`0x21` for the two bytes 00 21), padded to `minimumDigits`.
    static func hex(_ bytes: [UInt8], minimumDigits: Int = 1) -> String {
        let full: String = bytes.map { byte in
            let text = String(byte, radix: 16)
            return text.count == 1 ? "0" + text : text
        }.joined()
        var digits = String(full.drop(while: { (c: Character) in c == "0" }))
        while digits.count < minimumDigits { digits = "0" + digits }
        return "0x" + digits
    }

    /// `priority raw`, `priority filter + 10`, `priority -289`: nft names a priority when it is
    /// within 10 of a standard one that is valid for the family and hook.
    static func priority(_ priority: Priority, family: TableFamily, hook: Hook) -> String {
        for (name, value) in Priority.names(in: family)
        where standardPriority(name, appliesTo: family, hook: hook) {
            let offset = Int64(priority.rawValue) - Int64(value)
            guard (-10...10).contains(offset) else { continue }
            if offset == 0 { return name }
            return offset > 0 ? "\(name) + \(offset)" : "\(name) - \(-offset)"
        }
        return String(priority.rawValue)
    }

    /// nft's `std_prio_family_hook_compat`: NAT priorities only name their own hooks.
    private static func standardPriority(_ name: String, appliesTo family: TableFamily, hook: Hook) -> Bool {
        switch (family, name) {
        case (.bridge, "dstnat"): hook == .prerouting
        case (.bridge, "out"): hook == .output
        case (.bridge, "srcnat"): hook == .postrouting
        case (.bridge, _): true
        case (.arp, _): name == "filter"
        case (_, "dstnat"): hook == .prerouting
        case (_, "srcnat"): hook == .postrouting
        default: true
        }
    }

    static func tableFlags(_ flags: TableFlags) -> [String] {
        var names: [String] = []
        if flags.contains(.dormant) { names.append("dormant") }
        if flags.contains(.owner) { names.append("owner") }
        if flags.contains(.persist) { names.append("persist") }
        return names
    }

    static func setFlags(_ flags: SetFlags) -> [String] {
        var names: [String] = []
        if flags.contains(.constant) { names.append("constant") }
        if flags.contains(.interval) { names.append("interval") }
        return names
    }

    /// nft lists hook devices sorted by name.
    static func sortedDevices(_ devices: [String]) -> [String] {
        devices.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    static func addressText(_ prefix: IPPrefix) -> String {
        switch prefix {
        case .v4(let prefix): prefix.length == 32 ? prefix.network.description : prefix.description
        case .v6(let prefix): prefix.length == 128 ? prefix.network.description : prefix.description
        }
    }
}
