import Testing
@testable import SpoofGuard

@Suite("Policy decoding: fields and defaults")
struct PolicyDecoderTests {
    @Test func minimalPolicyTakesEveryDefault() throws {
        let policy = try decodePolicy(#"{"version": 1}"#).get()
        #expect(policy.table == "spoofguard")
        #expect(policy.external == .allExceptInternal)
        #expect(policy.internal == [.loopback])
        #expect(policy.guardedSources.map(\.origin) == [.catalog("loopback"), .catalog("loopback-mapped")])
        #expect(policy.guardedDestinations.map(\.origin) == [.catalog("loopback")])
        #expect(policy.guardedSources[0].prefixes == Catalog.named("loopback")!.prefixes)
        #expect(policy.action == Action(verdict: .drop, counter: true, log: nil))
        #expect(policy.hooks == [.prerouting])
    }

    @Test func designExampleDecodesToEveryField() throws {
        let policy = try decodePolicy("""
            {
              "version": 1,
              "table": "spoofguard",
              "external": ["eth0", "wan*", "ppp0"],
              "internal": ["lo", "br-lan"],
              "guard": {
                "source": ["loopback", "loopback-mapped"],
                "destination": ["loopback"]
              },
              "action": { "verdict": "drop", "counter": true,
                          "log": { "prefix": "spoofguard: ", "rate": "10/minute" } },
              "hooks": ["prerouting"]
            }
            """).get()
        let patterns = try ["eth0", "wan*", "ppp0"].map { text throws(InterfaceNameError) in try InterfacePattern(parsing: text) }
        #expect(policy.external == .listed(patterns))
        #expect(policy.internal.map(\.description) == ["lo", "br-lan"])
        #expect(policy.guardedSources.map(\.path) == ["$.guard.source[0]", "$.guard.source[1]"])
        #expect(policy.action.log == LogAction(prefix: "spoofguard: ", rate: RateLimit(rate: 10, per: .minute), group: nil))
    }

    @Test func tableName() throws {
        #expect(try decodePolicy(#"{"version": 1, "table": "guard_v4-2"}"#).get().table == "guard_v4-2")
        #expect(try decodePolicy(#"{"version": 1, "table": "filter"}"#).get().table == "filter")
    }

    @Test func internalWithoutLoGetsLo() throws {
        let policy = try decodePolicy(#"{"version": 1, "internal": ["br-lan", "wg*"]}"#).get()
        #expect(policy.internal.map(\.description) == ["lo", "br-lan", "wg*"])
        #expect(try decodePolicy(#"{"version": 1, "internal": []}"#).get().internal == [.loopback])
    }

    @Test func literalPrefixesKeepTheirText() throws {
        let policy = try decodePolicy(#"{"version": 1, "guard": {"source": ["127.0.0.0/8", "::1", "fe80::/10"], "destination": []}}"#).get()
        #expect(policy.guardedSources.map(\.origin) == [.literal("127.0.0.0/8"), .literal("::1"), .literal("fe80::/10")])
        #expect(policy.guardedSources.map(\.prefixes) == [[try IPPrefix(parsing: "127.0.0.0/8")],
                                                          [try IPPrefix(parsing: "::1/128")],
                                                          [try IPPrefix(parsing: "fe80::/10")]])
        #expect(policy.guardedDestinations.isEmpty)
    }

    @Test func oneGuardListGivenKeepsTheOtherDefault() throws {
        let policy = try decodePolicy(#"{"version": 1, "guard": {"source": ["martians"]}}"#).get()
        #expect(policy.guardedSources.map(\.origin) == [.catalog("martians")])
        #expect(policy.guardedDestinations.map(\.origin) == [.catalog("loopback")])
        #expect(policy.guardedDestinations[0].path.hasPrefix("$.guard.destination"))
    }

    @Test func sourceWithoutLoopbackIsTheVerifiersBusiness() throws {
        let policy = try decodePolicy(#"{"version": 1, "guard": {"source": ["loopback-mapped"]}}"#).get()
        #expect(policy.guardedSources.map(\.origin) == [.catalog("loopback-mapped")])
    }

    @Test func unspecifiedIsFineAsDestination() throws {
        let policy = try decodePolicy(#"{"version": 1, "guard": {"destination": ["unspecified", "0.0.0.0/8", "::"]}}"#).get()
        #expect(policy.guardedDestinations.count == 3)
    }

    @Test func actionFields() throws {
        let policy = try decodePolicy("""
            {"version": 1, "action": {"verdict": "reject", "counter": false,
             "log": {"prefix": "", "rate": "1/day", "group": 65535}}}
            """).get()
        #expect(policy.action.verdict == .reject)
        #expect(policy.action.counter == false)
        #expect(policy.action.log == LogAction(prefix: "", rate: RateLimit(rate: 1, per: .day), group: 65535))
    }

    @Test func logDefaults() throws {
        let policy = try decodePolicy(#"{"version": 1, "action": {"log": {}}}"#).get()
        #expect(policy.action.log == LogAction(prefix: "spoofguard: ", rate: RateLimit(rate: 10, per: .minute)))
        #expect(policy.action.verdict == .drop)
        #expect(policy.action.counter)
    }

    @Test(arguments: [("1/second", RateLimit.Unit.second, 1), ("60/minute", .minute, 60),
                      ("7/hour", .hour, 7), ("1000000/day", .day, 1_000_000)] as [(String, RateLimit.Unit, UInt64)])
    func logRates(text: String, unit: RateLimit.Unit, rate: UInt64) throws {
        let policy = try decodePolicy(#"{"version": 1, "action": {"log": {"rate": "\#(text)"}}}"#).get()
        #expect(policy.action.log?.rate == RateLimit(rate: rate, per: unit))
    }

    @Test func logPrefixAtTheKernelLimit() throws {
        let prefix = String(repeating: "é", count: 63) + "x"   // 127 bytes
        let policy = try decodePolicy(#"{"version": 1, "action": {"log": {"prefix": "\#(prefix)"}}}"#).get()
        #expect(policy.action.log?.prefix.utf8.count == 127)
    }

    @Test func hooks() throws {
        let policy = try decodePolicy(#"{"version": 1, "external": ["eth0"], "hooks": ["bridge", "ingress", "prerouting"]}"#).get()
        #expect(policy.hooks == [.bridge, .ingress, .prerouting])
        #expect(try decodePolicy(#"{"version": 1, "hooks": ["bridge"]}"#).get().hooks == [.bridge])
    }

    @Test func byteOrderMarkAndEscapesAreAccepted() throws {
        let text = "\u{FEFF}" + #"{"version": 1, "table": "sp\u006fofguard", "action": {"log": {"prefix": "\u00e9\ud83d\ude00 "}}}"#
        let policy = try decodePolicy(text).get()
        #expect(policy.table == "spoofguard")
        #expect(policy.action.log?.prefix == "é😀 ")
    }

    @Test func summaryStaysOneShortLine() throws {
        let interfaces = (0..<100).map { "\"eth\($0)\"" }.joined(separator: ", ")
        let prefixes = (0..<1000).map { "\"10.0.\($0 / 256).\($0 % 256)\"" }.joined(separator: ", ")
        let policy = try decodePolicy(#"{"version": 1, "external": [\#(interfaces)], "guard": {"source": [\#(prefixes)]}}"#).get()
        #expect(policy.summary == "table spoofguard at prerouting: on eth0, eth1, eth2, eth3, eth4 and 95 more, drop source 10.0.0.0, 10.0.0.1, 10.0.0.2, 10.0.0.3, 10.0.0.4 and 995 more (1000 prefixes); destination loopback (2 prefixes); counter")
    }

    @Test func summaryNamesWhatThePolicyDoes() throws {
        let policy = try decodePolicy(#"{"version": 1, "external": ["eth0", "wan*"], "action": {"log": {"group": 3}}}"#).get()
        #expect(policy.summary == "table spoofguard at prerouting: on eth0, wan*, drop source loopback, loopback-mapped (7 prefixes); destination loopback (2 prefixes); counter, log 10/minute to NFLOG group 3")
    }
}
