import Testing
@testable import SpoofGuard

@Suite("JSON packet lists")
struct JSONPacketTests {
    func read(_ text: String, name: String = "p.json", iif: String? = nil, skipBad: Bool = false) throws(PacketInputError) -> PacketReadResult {
        try PacketSource.read(bytes: Array(text.utf8), name: name, overrideInterface: iif, skipBad: skipBad)
    }

    func failure(_ text: String, iif: String? = nil) -> PacketInputError? {
        #expect(throws: PacketInputError.self) { try read(text, iif: iif) }
    }

    @Test("an array with every key")
    func everyKey() throws {
        let result = try read("""
        [
          {"iif":"wan0","src":"127.0.0.1","dst":"192.0.2.1","proto":"udp","dport":53,"expect":"drop"},
          {"iif": "vrf-blue", "iif_kind": "vrf", "src": "::1", "dst": "::1", "proto": "tcp", "sport": 1, "dport": 22,
           "length": 100, "route_localnet": true, "expect": "accept"},
          {"iif": "lo", "src": "10.0.0.1", "dst": "10.0.0.2", "proto": 47}
        ]
        """)
        #expect(result.format == .jsonArray)
        let packets = result.packets
        #expect(packets.map(\.summary) == [
            "wan0 127.0.0.1 > 192.0.2.1 udp->53 len 28",
            "vrf-blue ::1 > ::1 tcp 1->22 len 100",
            "lo 10.0.0.1 > 10.0.0.2 proto-47 len 20",
        ])
        #expect(packets.map(\.expected) == [.drop, .accept, nil])
        #expect(packets.map(\.inputInterface.kind) == [.ordinary, .vrf, .loopback])
        #expect(packets.map(\.routeLocalnet) == [false, true, false])
    }

    @Test("JSON lines, with errors naming the packet's line")
    func jsonLines() throws {
        let text = """
        {"iif":"wan0","src":"127.0.0.1","dst":"192.0.2.1"}

        {"iif":"wan0","src":"::ffff:127.0.0.1","dst":"2001:db8::1","proto":"icmpv6"}
        {"iif":"wan0","src":"127.0.0.1","dst":"192.0.2.1","dport":53}
        """
        let lastLine = text.split(separator: "\n").last ?? ""
        let error = #expect(throws: PacketInputError.self) { try read(text, name: "p.jsonl") }
        #expect(error?.description == "p.jsonl: packet 3 (line 4, byte offset \(text.utf8.count - lastLine.utf8.count)), key \"dport\": needs a transport with ports; add \"proto\": \"tcp\" or \"udp\" (or sctp, udplite, dccp)")
        let result = try read(text, skipBad: true)
        #expect(result.format == .jsonLines)
        #expect(result.packets.count == 2)
        #expect(result.skipped.map(\.location.line) == [4])
    }

    @Test("strict types: numbers, booleans and strings are not interchangeable")
    func strictTypes() throws {
        let base = #""iif":"eth0","src":"192.0.2.1","dst":"192.0.2.2","proto":"udp""#
        let cases: [(String, String, String)] = [
            (#""dport":"53""#, "dport", "write 53 without quotes"),
            (#""dport":53.0"#, "dport", "53.0 is not a whole number"),
            (#""dport":5.3e1"#, "dport", "not a whole number"),
            (#""dport":true"#, "dport", "not a boolean"),
            (#""dport":65536"#, "dport", "out of range"),
            (#""sport":-1"#, "sport", "out of range"),
            (#""sport":123456789012345678901234567890"#, "sport", "out of range"),
            (#""route_localnet":1"#, "route_localnet", "must be true or false, not a number"),
            (#""route_localnet":"true""#, "route_localnet", "not a string"),
            (#""expect":"reject""#, "expect", "write \"accept\" or \"drop\""),
            (#""iif_kind":"tunnel""#, "iif_kind", "\"bridge-port\""),
            (#""length":19"#, "length", "out of range"),
            (#""destination":"1.2.3.4""#, "destination", "the keys are"),
            (#""dprt":53"#, "dprt", "did you mean \"dport\"?"),
            (#""expect":null"#, "expect", "not null"),
        ]
        for (extra, key, message) in cases {
            let error = failure("[{\(base),\(extra)}]")
            #expect(error?.location.key == key, "\(extra)")
            #expect(error?.description.contains(message) == true, "\(extra): \(error?.description ?? "no error")")
            #expect(error?.location.record == 1)
        }
    }

    @Test("addresses use the strict parsers and one family per packet")
    func addresses() throws {
        #expect(failure(#"[{"iif":"eth0","src":"127.1","dst":"1.2.3.4"}]"#)?.description.contains("dotted-quad") == true)
        #expect(failure(#"[{"iif":"eth0","src":"0177.0.0.1","dst":"1.2.3.4"}]"#)?.location.key == "src")
        #expect(failure(#"[{"iif":"eth0","src":"fe80::1%eth0","dst":"::1"}]"#)?.fix == "write \"fe80::1\"")
        let mixed = failure(#"[{"iif":"eth0","src":"127.0.0.1","dst":"::1"}]"#)
        #expect(mixed?.location.key == "dst")
        #expect(mixed?.reason.contains("one family") == true)
        #expect(failure(#"[{"iif":"eth0","src":"::1","dst":"::1","proto":"icmp"}]"#)?.fix == "write \"icmpv6\"")
        #expect(failure(#"[{"iif":"eth0","dst":"::1"}]"#)?.location.key == "src")
    }

    @Test("the input interface: iif, --iif over it, and an error when there is neither")
    func interfaces() throws {
        let text = #"[{"src":"127.0.0.1","dst":"10.0.0.1"},{"iif":"lo","iif_kind":"vrf","src":"127.0.0.1","dst":"10.0.0.1"}]"#
        let error = failure(text)
        #expect(error?.location.key == "iif")
        #expect(error?.fix?.contains("--iif") == true)
        let overridden = try read(text, iif: "wan0")
        #expect(overridden.packets.map(\.inputInterface) == [InputInterface(name: "wan0"), InputInterface(name: "wan0")])
        #expect(failure(#"[{"iif":"wan*","src":"127.0.0.1","dst":"10.0.0.1"}]"#)?.reason.contains("wildcard") == true)
        #expect(failure(#"[{"iif":"a very long interface name","src":"127.0.0.1","dst":"10.0.0.1"}]"#)?.location.key == "iif")
    }

    @Test("JSON syntax: duplicates, trailing commas, content after the array, depth")
    func syntax() throws {
        let duplicate = failure(#"[{"iif":"eth0","src":"1.2.3.4","src":"1.2.3.5","dst":"1.2.3.4"}]"#)
        #expect(duplicate?.reason.contains("appears twice") == true)
        #expect(failure(#"[{"iif":"eth0","src":"1.2.3.4","dst":"1.2.3.4"},]"#)?.reason.contains("trailing commas") == true)
        let trailing = try read(#"[{"iif":"eth0","src":"1.2.3.4","dst":"1.2.3.4"},]"#, skipBad: true)
        #expect(trailing.packets.count == 1)
        #expect(trailing.skipped.first?.location.record == 1)
        #expect(failure(#"[{"iif":"eth0","src":"1.2.3.4","dst":"1.2.3.4"}] x"#)?.reason.contains("after the closing") == true)
        #expect(failure(#"[{"iif":"eth0","src":"1.2.3.4","dst":"1.2.3.4"}"#) != nil)
        #expect(failure(#"[{"iif":"eth0","src":"1.2.3.4","dst":"1.2.3.4","x":[[[]]]}]"#)?.location.key == "x")
        #expect(failure(#"[1]"#)?.reason.contains("not a packet object") == true)
        #expect(failure(#"[{"iif":"eth\u0030","src":"1.2.3.4","dst":"1.2.3.4\n"}]"#)?.location.key == "dst")
        let invalidUTF8 = Array(#"[{"iif":"eth"#.utf8) + [0xFF] + Array(#"","src":"1.2.3.4","dst":"1.2.3.4"}]"#.utf8)
        let utf8Error = #expect(throws: PacketInputError.self) { try PacketSource.read(bytes: invalidUTF8) }
        #expect(utf8Error?.reason.contains("not valid UTF-8") == true)
        #expect(try read(#"[{"iif":"wän0","src":"1.2.3.4","dst":"1.2.3.4"}]"#).packets.first?.inputInterface.name == "wän0")
        let deep = String(repeating: "[", count: 100_000)
        #expect(failure(deep)?.reason.contains("deeper") == true)
        #expect(failure("")?.reason == "is empty")
        #expect(failure("  \n")?.fix == "write [] for an empty packet list")
        #expect(failure("hello")?.reason.contains("68 65 6c 6c") == true)
        #expect(try read("[]").packets.isEmpty)
        #expect(try read("\u{FEFF}[ ]\n").packets.isEmpty)
        #expect(try read(#"[{"iif":"eth\u0030","src":"1.2.3.4","dst":"1.2.3.4"}]"#).packets.first?.inputInterface.name == "eth0")
    }

    @Test("--skip-bad in JSON lines resumes after a syntax error at the next line")
    func skipSyntax() throws {
        let text = """
        {"iif":"eth0","src":"1.2.3.4","dst":"1.2.3.4"}
        {"iif":"eth0","src":"1.2.3.4",
        {"iif":"eth0","src":"::1","dst":"::2"}
        [1]
        {"iif":"eth0","src":"5.6.7.8","dst":"1.2.3.4"}
        """
        let result = try read(text, skipBad: true)
        #expect(result.packets.map(\.source.description) == ["1.2.3.4", "::1", "5.6.7.8"])
        #expect(result.skipped.map(\.location.line) == [2, 4])
        #expect(result.skipped.map(\.location.record) == [2, 4])
        #expect(result.skipped[0].reason.hasPrefix("invalid JSON at line 3: expected a key"))
    }

    /// A bad line ends inside an object; the next line starts from the top level again, so a
    /// hundred bad lines cannot use up the nesting limit for the good ones after them.
    @Test func manyBadLinesLeaveTheNestingLimitWhole() throws {
        let text = String(repeating: "{\"src\": {\"x\": }\n", count: 100) + #"{"iif":"eth0","src":"1.2.3.4","dst":"1.2.3.4"}"#
        let result = try read(text, skipBad: true)
        #expect(result.packets.count == 1)
        #expect(result.counts.skipped == 100)
    }
}
