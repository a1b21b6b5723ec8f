internal import CNetfilter
import Glibc

/// The devices of a netdev base chain's hook nest (NFTA_CHAIN_HOOK → NFTA_HOOK_DEVS), written
/// and read here because libnftnl 1.2.4 knows only NFTA_DEVICE_NAME: a device prefix
/// (NFTA_DEVICE_PREFIX, kernel 6.16+) is the IR's trailing-`*` name ("wan*" ⇄ prefix "wan").
enum HookDevices {
    static let chainHook = attribute(NFTA_CHAIN_HOOK)
    static let hookNumber = attribute(NFTA_HOOK_HOOKNUM)
    static let hookPriority = attribute(NFTA_HOOK_PRIORITY)
    static let hookDevices = attribute(NFTA_HOOK_DEVS)
    static let deviceName = attribute(NFTA_DEVICE_NAME)
    static let devicePrefix = UInt16(SPOOFGUARD_NFTA_DEVICE_PREFIX)

    /// Whether libnftnl can say this list itself (exact names only).
    static func needsOwnEncoding(_ devices: [String]) -> Bool { devices.contains { $0.hasSuffix("*") } }

    /// Appends NFTA_CHAIN_HOOK with the hook number, priority and every device, a name
    /// ending in `*` as NFTA_DEVICE_PREFIX without the `*` (NUL-terminated, as the kernel wants).
    static func put(_ header: UnsafeMutablePointer<nlmsghdr>, hook: UInt32, priority: Int32, devices: [String]) {
        let nest = mnl_attr_nest_start(header, chainHook)
        mnl_attr_put_u32(header, hookNumber, hook.bigEndian)
        mnl_attr_put_u32(header, hookPriority, UInt32(bitPattern: priority).bigEndian)
        let list = mnl_attr_nest_start(header, hookDevices)
        for device in devices {
            if device.hasSuffix("*") {
                mnl_attr_put_strz(header, devicePrefix, String(device.dropLast()))
            } else {
                mnl_attr_put_strz(header, deviceName, device)
            }
        }
        mnl_attr_nest_end(header, list)
        mnl_attr_nest_end(header, nest)
    }

    /// Where the chain message's NFTA_HOOK_DEVS nest starts (its attribute header), if it has one.
    static func listOffset(in message: UnsafeRawBufferPointer) -> Int? {
        var found: Int?
        forEachAttribute(message, from: MemoryLayout<nlmsghdr>.size + 4, to: message.count) { type, start, end in
            guard type == chainHook else { return }
            forEachAttribute(message, from: start + 4, to: end) { inner, innerStart, _ in
                if inner == hookDevices { found = innerStart }
            }
        }
        return found
    }

    /// The names in the chain message's NFTA_HOOK_DEVS, a prefix as "prefix*"; nil without one.
    static func read(_ message: UnsafeRawBufferPointer) -> [String]? {
        guard let start = listOffset(in: message) else { return nil }
        let length = Int(message.loadUnaligned(fromByteOffset: start, as: UInt16.self))
        var devices: [String] = []
        forEachAttribute(message, from: start + 4, to: min(start + length, message.count)) { type, itemStart, itemEnd in
            guard type == deviceName || type == devicePrefix else { return }
            let name = String(decoding: message[(itemStart + 4)..<itemEnd].prefix { $0 != 0 }, as: UTF8.self)
            devices.append(type == devicePrefix ? name + "*" : name)
        }
        return devices
    }

    /// Calls `body(type, start, end)` for each attribute between `from` and `to`.
    private static func forEachAttribute(_ bytes: UnsafeRawBufferPointer, from: Int, to: Int,
                                         _ body: (UInt16, Int, Int) -> Void) {
        var position = from
        while position + 4 <= to {
            let length = Int(bytes.loadUnaligned(fromByteOffset: position, as: UInt16.self))
            let type = bytes.loadUnaligned(fromByteOffset: position + 2, as: UInt16.self) & 0x3fff
            guard length >= 4, position + length <= to else { return }
            body(type, position, position + length)
            position += (length + 3) & ~3
        }
    }
}
