import Testing
@testable import SpoofGuard

/// The protocol table against the standards' header layouts and against the codec that reads it.
@Suite struct ProtocolHeaderTests {
    @Test func fieldsLieInsideTheirHeadersAndDoNotOverlap() {
        for header in ProtocolHeader.allCases {
            let fields = header.fields.sorted { $0.offset < $1.offset }
            for field in fields {
                #expect(field.length > 0 && field.offset + field.length <= header.length, "\(field)")
            }
            for (a, b) in zip(fields, fields.dropFirst()) {
                #expect(a.offset + a.length <= b.offset, "\(a) overlaps \(b)")
            }
        }
    }

    /// RFC 791 §3.1, RFC 8200 §3, IEEE 802.3 / 802.1Q, RFC 2516 §4 + RFC 1661 §2.
    @Test func offsetsAreTheStandardsOnes() {
        func at(_ header: ProtocolHeader, _ name: String) -> (UInt32, UInt32)? {
            header.field(named: name).map { ($0.offset, $0.length) }
        }
        #expect(at(.ipv4, "saddr")! == (12, 4) && at(.ipv4, "daddr")! == (16, 4))
        #expect(at(.ipv6, "saddr")! == (8, 16) && at(.ipv6, "daddr")! == (24, 16))
        #expect(at(.ethernet, "type")! == (12, 2))
        #expect(at(.vlan, "type")! == (2, 2))
        #expect(at(.pppoeSession, "protocol")! == (6, 2))
        #expect(EtherType.vlan8021AD.bytes == [0x88, 0xa8] && EtherType.pppoeSession.header == .pppoeSession)
    }

    /// The rows the packet decoders read besides the addresses (RFC 791 §3.1, RFC 8200 §3,
    /// RFC 2516 §4, RFC 768/793 ports), and that each row is listed under its header.
    @Test func decoderRowsAreTheStandardsOnes() {
        func at(_ field: HeaderField) -> [UInt32] { [field.offset, field.length] }
        #expect(at(.ipv4TotalLength) == [2, 2] && at(.ipv4FragmentOffset) == [6, 2] && at(.ipv4TTL) == [8, 1])
        #expect(at(.ipv4Protocol) == [9, 1] && at(.ipv6PayloadLength) == [4, 2] && at(.ipv6NextHeader) == [6, 1])
        #expect(at(.ipv6HopLimit) == [7, 1] && at(.vlanTCI) == [0, 2] && at(.pppoeSession) == [2, 2])
        #expect(at(.transportSourcePort) == [0, 2] && at(.transportDestinationPort) == [2, 2])
        for header in ProtocolHeader.allCases {
            for field in header.fields { #expect(field.header == header && header.field(named: field.name) == field, "\(field)") }
        }
        for family in AddressFamily.allCases {
            for field in AddressField.allCases {
                #expect(HeaderField.address(family, field) == ProtocolHeader(family).field(named: field.rawValue))
            }
        }
        #expect((0...255).filter { NetworkProtocolNumbers.carriesPorts(UInt8($0)) } == [6, 17, 33, 132, 136])
        #expect((0...255).filter { NetworkProtocolNumbers.isIPv6ExtensionHeader(UInt8($0)) } == [0, 43, 44, 51, 60, 135, 139, 140])
    }

    @Test func eachFamilySelectsEachIPHeaderByExactlyOneMatch() {
        for family in [TableFamily.inet, .netdev, .bridge] {
            for addressFamily in AddressFamily.allCases {
                guard case let .meta(key, value)? = ProtocolHeader(addressFamily).selector(in: family) else {
                    Issue.record("no selector for \(addressFamily) in \(family)")
                    continue
                }
                #expect(ProtocolHeader.selected(by: key, value: value, in: family) == ProtocolHeader(addressFamily))
            }
        }
        #expect(ProtocolHeader.ipv4.selector(in: .ip) == .implied)
        #expect(ProtocolHeader.ipv6.selector(in: .ip) == nil)
        #expect(ProtocolHeader.ipv4.selector(in: .arp) == nil)
    }

    @Test func addressLookupPrefersTheEstablishedFamily() {
        #expect(HeaderField.address(atNetworkOffset: 12, length: 1, families: [.ipv4, .ipv6])! == (.ipv4, .source))
        #expect(HeaderField.address(atNetworkOffset: 24, length: 13, families: [.ipv4, .ipv6])! == (.ipv6, .destination))
        #expect(HeaderField.address(atNetworkOffset: 12, length: 4, families: [.ipv6]) == nil)
        #expect(HeaderField.address(atNetworkOffset: 8, length: 17, families: [.ipv6]) == nil)
    }

    /// Link-layer loads are the encapsulation guards' raw matches and read back as such; a
    /// transport-header load the table describes is named in the refusal, one it does not is not.
    @Test func delinearizeReadsLinkLoadsAndNamesTransportFieldsItDoesNotMatch() throws {
        let link = try Delinearize.rule([.payload(.link, offset: 12, length: 2, destination: 1),
                                         .cmp(.equal, source: 1, data: [0x88, 0xa8])], family: .bridge)
        #expect(link.statements == [.match(Match(.payload(RawPayload(.link, offset: 12, length: 2)), .bytes([0x88, 0xa8])))])
        func reason(_ offset: UInt32, _ length: UInt32) -> String? {
            do {
                _ = try Delinearize.rule([.payload(.transport, offset: offset, length: length, destination: 1),
                                          .cmp(.equal, source: 1, data: [0x00, 0x16])], family: .bridge)
                return nil
            } catch { return error.reason }
        }
        #expect(reason(2, 2) == "loads tcp dport, which spoofguard's rules do not match")
        #expect(reason(5, 2) == "loads from the transport header; spoofguard matches network-header addresses only")
    }

    @Test func fieldsAreNamedAsNftNamesThem() {
        #expect(HeaderField.address(.ipv4, .source).description == "ip saddr")
        #expect(HeaderField.address(.ipv6, .destination).description == "ip6 daddr")
        #expect(ProtocolHeader.vlan.field(named: "type")!.description == "vlan type")
        #expect(ProtocolHeader.pppoeSession.nftKeyword == nil)
    }
}
