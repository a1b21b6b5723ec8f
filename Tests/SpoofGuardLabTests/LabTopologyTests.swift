import Testing
import SpoofGuard
@testable import SpoofGuardLab

@Suite struct LabTopologyTests {
    func policy(external: [String]?, internal: [String] = [], hooks: [PolicyHook] = [.prerouting]) throws -> Policy {
        let externals = try external.map { try $0.map { try InterfacePattern(parsing: $0) } }
        return Policy(external: externals.map { .listed($0) } ?? .allExceptInternal,
                      internal: try `internal`.map { try InterfacePattern(parsing: $0) },
                      guardedSources: [], guardedDestinations: [], hooks: hooks)
    }

    @Test func wildcardsGetConcreteNamesAndOneInterfaceMatchesNothing() throws {
        let topology = LabTopology(policy: try policy(external: ["eth0", "ppp*", "wan*"], internal: ["br-lan"]))
        let names = topology.links.map(\.name)
        #expect(names == ["eth0", "ppp0", "wan0", "br-lan", "sgfree0"])
        #expect(topology.bridge == nil)
        #expect(topology.vlan == LabTopology.VLAN(name: "eth0.7", parent: "eth0", id: 7))
        #expect(Set(topology.links.map(\.peer)).count == names.count)
        #expect(Set(topology.links.map(\.routerMAC)).count == names.count)
        #expect(topology.inputInterfaces.last == InputInterface(name: "lo"))
    }

    @Test func unmatchedNameAvoidsPatterns() throws {
        let topology = LabTopology(policy: try policy(external: ["sgfree0", "sg*"]))
        let unmatched = try #require(topology.links.last?.name)
        #expect(unmatched == "zzsgfree0")
        let everything = LabTopology(policy: try policy(external: ["*"]))
        #expect(everything.links.map(\.name) == ["0"], "a policy matching every name leaves no unmatched interface")
    }

    @Test func bridgeHookAddsABridgeWithTwoPorts() throws {
        let topology = LabTopology(policy: try policy(external: ["eth0", "wan*"], hooks: [.prerouting, .bridge]))
        let ports = topology.links.filter(\.isBridgePort).map(\.name)
        #expect(ports == ["wan1", "sgport0"])
        #expect(topology.bridge == "sgbridge0")
        #expect(topology.links.filter { !$0.isBridgePort }.map(\.name) == ["eth0", "wan0", "sgfree0"])
        #expect(topology.inputInterfaces.contains(InputInterface(name: "wan1", kind: .bridgePort)))
    }

    @Test func omittedExternalGetsAGuardedInterfaceThatIsNotInternal() throws {
        let topology = LabTopology(policy: try policy(external: nil, internal: ["lan*"]))
        #expect(topology.links.map(\.name) == ["sgext0", "lan0", "sgfree0"])
    }

    @Test func longNamesGetNoVLANDevice() throws {
        let topology = LabTopology(policy: try policy(external: ["abcdefghijklmn"]))
        #expect(topology.vlan == nil)
    }
}
