import Testing
import SpoofGuard
@testable import SpoofGuardLab

@Suite struct PacketGeneratorTests {
    let policy = Policy(external: .listed([try! InterfacePattern(parsing: "eth0"), try! InterfacePattern(parsing: "ppp*")]),
                        guardedSources: [GuardEntry(origin: .literal("10.0.0.0/8"), prefixes: [try! IPPrefix(parsing: "10.0.0.0/8")],
                                                    path: "$.guard.source[0]")],
                        guardedDestinations: [], hooks: [.prerouting, .bridge])

    @Test func theSameSeedGivesTheSamePackets() {
        let topology = LabTopology(policy: policy)
        var a = PacketGenerator(topology: topology, policy: policy, seed: 42)
        var b = PacketGenerator(topology: topology, policy: policy, seed: 42)
        var c = PacketGenerator(topology: topology, policy: policy, seed: 43)
        let first = a.next(200)
        #expect(first == b.next(200))
        #expect(first != c.next(200))
    }

    @Test func packetsCoverWhatTheIssueAsksFor() {
        let topology = LabTopology(policy: policy)
        var generator = PacketGenerator(topology: topology, policy: policy, seed: 1)
        let injections = generator.next(5000)
        let packets = injections.map(\.packet)
        let names = Set(packets.map(\.inputInterface.name))
        #expect(names == Set(topology.inputInterfaces.map(\.name)))
        #expect(Set(packets.compactMap(\.transport)) == [.udp, .tcp, .icmp, .icmpv6])
        func has(_ text: String, _ field: KeyPath<Packet, IPAddress>) -> Bool {
            let address = try! IPAddress(parsing: text)
            return packets.contains { $0[keyPath: field] == address }
        }
        for disguised in ["::1", "::ffff:127.0.0.1", "::127.0.0.1", "64:ff9b::7f00:1", "2002:7f00:1::1", "127.0.0.1", "0.0.0.0", "::"] {
            #expect(has(disguised, \.source), "no packet from \(disguised)")
        }
        #expect(has("192.0.2.1", \.destination))
        #expect(has("2001:db8:1::1", \.destination))
        #expect(packets.contains { if case .v4(let a) = $0.source { (a.bits >> 24) == 10 } else { false } }, "no guarded 10/8 source")
        #expect(injections.contains { $0.vlanID != nil })
        #expect(injections.allSatisfy { $0.vlanID == nil || $0.packet.inputInterface.kind == .bridgePort })
        #expect(packets.contains { $0.routeLocalnet })
        // Local traffic is UDP between addresses a socket on the router can use.
        #expect(packets.filter { $0.inputInterface.name == "lo" }.allSatisfy { $0.transport == .udp })
        #expect(packets.allSatisfy { $0.source.family == $0.destination.family })
    }

    @Test func framesForGeneratedPacketsHaveTheirLength() {
        let topology = LabTopology(policy: policy)
        var generator = PacketGenerator(topology: topology, policy: policy, seed: 9)
        for injection in generator.next(300) where injection.packet.inputInterface.name != "lo" {
            #expect(FrameBuilder.ipDatagram(injection.packet).count == injection.packet.length)
        }
    }
}
