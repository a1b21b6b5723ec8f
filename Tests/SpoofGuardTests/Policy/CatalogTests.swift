import Foundation
import Testing
@testable import SpoofGuard

@Suite("Catalogs: the binary carries exactly Rules/catalogs")
struct CatalogTests {
    /// Reads one Rules/catalogs file with the strict reader (so a duplicate key there fails too)
    /// into the same shape as the compiled-in data.
    func catalogFromRules(_ file: URL) throws -> Catalog {
        let bytes = try [UInt8](Data(contentsOf: file))
        let value = try StrictJSON.parse(bytes)
        let object = try #require(members(value), "\(file.lastPathComponent) is not an object")
        #expect(Set(object.keys).isSubset(of: ["name", "description", "refusedIn", "prefixes", "excluded"]),
                "\(file.lastPathComponent) has unknown keys")
        func entries(_ key: String) throws -> [Catalog.Entry] {
            guard let list = object[key], case .array(let elements) = list.kind else { return [] }
            return try elements.map { element in
                let fields = try #require(members(element))
                #expect(Set(fields.keys) == ["prefix", "rfc", "reason"])
                return Catalog.Entry(prefix: try IPPrefix(parsing: try #require(string(fields["prefix"]))),
                                     rfc: try #require(string(fields["rfc"])),
                                     reason: try #require(string(fields["reason"])))
            }
        }
        var refusals: [AddressField: String] = [:]
        if let refused = object["refusedIn"] {
            for (field, reason) in try #require(members(refused)) {
                let key: AddressField = try #require(field == "source" ? .source : field == "destination" ? .destination : nil)
                let text: String = try #require(string(reason))
                refusals[key] = text
            }
        }
        return Catalog(name: try #require(string(object["name"])), description: try #require(string(object["description"])),
                       entries: try entries("prefixes"), refusals: refusals, excluded: try entries("excluded"))
    }

    private func members(_ value: StrictJSON.Value?) -> [String: StrictJSON.Value]? {
        guard let value, case .object(let members) = value.kind else { return nil }
        #expect(Set(members.map(\.key)).count == members.count, "duplicate key")
        return Dictionary(members.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    private func string(_ value: StrictJSON.Value?) -> String? {
        guard let value, case .string(let text) = value.kind else { return nil }
        return text
    }

    @Test func binaryAgreesWithRules() throws {
        let directory = packageRoot.appendingPathComponent("Rules/catalogs")
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
        let fromRules = try files.map(catalogFromRules).sorted { $0.name < $1.name }
        #expect(fromRules.map(\.name) == ["loopback", "loopback-mapped", "martians", "unspecified"])
        #expect(files.allSatisfy { file in fromRules.contains { $0.name + ".json" == file.lastPathComponent } })
        // Compared field by field so that a failure names what differs; the fix is always
        // `swift Scripts/generate-catalogs.swift` from the package root.
        #expect(Catalog.all.map(\.name) == fromRules.map(\.name))
        for rules in fromRules {
            let compiled = try #require(Catalog.named(rules.name), "\(rules.name) is missing from the binary")
            #expect(compiled.description == rules.description, "\(rules.name): description")
            #expect(compiled.refusals == rules.refusals, "\(rules.name): refusedIn")
            #expect(compiled.entries.count == rules.entries.count, "\(rules.name): number of prefixes")
            #expect(compiled.excluded.count == rules.excluded.count, "\(rules.name): number of excluded")
            for (compiledEntry, rulesEntry) in zip(compiled.entries + compiled.excluded, rules.entries + rules.excluded) {
                #expect(compiledEntry == rulesEntry, "\(rules.name): \(rulesEntry.prefix)")
            }
        }
    }

    @Test func loopbackAndMappedAreTheDocumentedPrefixes() throws {
        #expect(Catalog.named("loopback")?.prefixes.map(\.description) == ["127.0.0.0/8", "::1/128"])
        #expect(Catalog.named("loopback-mapped")?.prefixes.map(\.description)
                == ["::ffff:127.0.0.0/104", "::127.0.0.0/104", "64:ff9b::7f00:0/104", "2002:7f00::/24", "2001:0:7f00::/40"])
        #expect(Catalog.named("unspecified")?.prefixes.map(\.description) == ["0.0.0.0/8", "::/128"])
        #expect(Catalog.named("nope") == nil)
    }

    @Test func everyEntryCitesAnRFCAndGivesAReason() {
        for catalog in Catalog.all {
            #expect(!catalog.description.isEmpty)
            for entry in catalog.entries + catalog.excluded {
                #expect(entry.rfc.hasPrefix("RFC "), "\(catalog.name) \(entry.prefix)")
                #expect(entry.reason.count > 10 && !entry.reason.contains("\n"), "\(catalog.name) \(entry.prefix)")
            }
        }
    }

    /// martians must never drop a legitimate source: not 0.0.0.0/8, ::, nor the valid-as-source
    /// children of the RFC 6890 blocks it leaves out.
    @Test func martiansLeaveLegitimateSourcesAlone() throws {
        let martians = try #require(Catalog.named("martians"))
        let v4 = IntervalSet<IPv4Address>(martians.prefixes.compactMap { if case .v4(let p) = $0 { p } else { nil } })
        let v6 = IntervalSet<IPv6Address>(martians.prefixes.compactMap { if case .v6(let p) = $0 { p } else { nil } })
        for text in ["0.0.0.0", "0.1.2.3", "10.0.0.1", "169.254.1.1", "192.0.0.2", "192.0.0.8", "192.0.0.9", "198.18.0.1", "100.64.0.1"] {
            #expect(!v4.contains(try IPv4Address(parsing: text)), "\(text)")
        }
        for text in ["::", "fe80::1", "fc00::1", "2001::1", "2001:2::1", "2001:20::1", "2002:c000:201::1", "64:ff9b::c000:201"] {
            #expect(!v6.contains(try IPv6Address(parsing: text)), "\(text)")
        }
        for text in ["127.0.0.1", "224.0.0.1", "255.255.255.255", "192.0.2.1", "203.0.113.9", "192.0.0.170"] {
            #expect(v4.contains(try IPv4Address(parsing: text)), "\(text)")
        }
        for text in ["::1", "::ffff:10.0.0.1", "2001:db8::1", "ff02::1", "2001:10::1"] {
            #expect(v6.contains(try IPv6Address(parsing: text)), "\(text)")
        }
    }

    @Test func refusalsAreWhereTheCatalogsSayTheyAre() {
        #expect(Catalog.named("unspecified")?.refusals.keys.sorted { $0.rawValue < $1.rawValue } == [.source])
        #expect(Catalog.named("martians")?.refusals.keys.sorted { $0.rawValue < $1.rawValue } == [.destination])
        #expect(Catalog.named("loopback")?.refusals.isEmpty == true)
        #expect(Catalog.named("loopback-mapped")?.refusals.isEmpty == true)
    }
}
