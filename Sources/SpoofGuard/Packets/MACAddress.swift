/// An Ethernet (EUI-48) address, for building frames to inject.
public struct MACAddress: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    /// Six bytes, or nil.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 6 else { return nil }
        self.bytes = Array(bytes)
    }

    /// `aa:bb:cc:dd:ee:ff` (as `ip link` prints it).
    public init?(parsing text: some StringProtocol) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 6 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard part.count == 2, let byte = UInt8(part, radix: 16) else { return nil }
            bytes.append(byte)
        }
        self.bytes = bytes
    }

    /// A locally administered unicast address (bit 1 of the first byte set, bit 0 clear).
    public static func locallyAdministered(_ suffix: UInt32) -> MACAddress {
        MACAddress(bytes: [0x02, 0x53, UInt8(truncatingIfNeeded: suffix >> 24), UInt8(truncatingIfNeeded: suffix >> 16),
                           UInt8(truncatingIfNeeded: suffix >> 8), UInt8(truncatingIfNeeded: suffix)])!
    }

    public var description: String {
        bytes.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 0x10 ? "0" + hex : hex
        }.joined(separator: ":")
    }
}
