/// `guard.source` and `guard.destination`: catalog names or literal prefixes.
extension PolicyDecoder {
    struct Guards {
        var sources: [GuardEntry]
        var destinations: [GuardEntry]
    }

    mutating func decodeGuard(_ value: Value?, at path: JSONPath) -> Guards? {
        var sourceValue: Value?
        var destinationValue: Value?
        if let value {
            guard let members = object(value, at: path, allowedKeys: ["source", "destination"], what: "the guard") else {
                return nil
            }
            sourceValue = members["source"]?.value
            destinationValue = members["destination"]?.value
        }
        let sources = sourceValue.map { entries($0, at: path.key("source"), field: .source) }
            ?? defaults(Self.defaultSources, at: path.key("source"))
        let destinations = destinationValue.map { entries($0, at: path.key("destination"), field: .destination) }
            ?? defaults(Self.defaultDestinations, at: path.key("destination"))
        guard let sources, let destinations else { return nil }
        if sources.isEmpty && destinations.isEmpty {
            report(path, "guards nothing: both \"source\" and \"destination\" are empty; omit \"guard\" for the defaults (source: loopback, loopback-mapped; destination: loopback)", at: value?.position)
            return nil
        }
        return Guards(sources: sources, destinations: destinations)
    }

    /// Defaults carry the path of their list with a note, since they stand nowhere in the file.
    private func defaults(_ names: [String], at path: JSONPath) -> [GuardEntry] {
        names.map { name in
            GuardEntry(origin: .catalog(name), prefixes: Catalog.named(name)!.prefixes,
                       path: "\(path) (default \"\(name)\")")
        }
    }

    private mutating func entries(_ value: Value, at path: JSONPath, field: AddressField) -> [GuardEntry]? {
        // What `stringList` does, without its list of (text, path, position) copies: every
        // element that is not a string is reported, and then nothing else.
        guard let elements = list(value, at: path, what: "catalog names or prefixes") else { return nil }
        var allStrings = true
        for (index, item) in elements.enumerated() {
            if case .string = item.kind { continue }
            _ = string(item, at: path.index(index), what: "a catalog name or prefix")
            allStrings = false
        }
        guard allStrings else { return nil }
        // Duplicates are rare and must be reported in document order among the other
        // problems, so: read every entry, look for any duplicate by sorting once, and only if
        // there is one, forget this pass's reports and read the list again checking each
        // entry against the earlier ones.
        let reportsBefore = reports
        var result: [GuardEntry] = []
        result.reserveCapacity(elements.count)
        var keys = DuplicateKeys(capacity: elements.count)
        var complete = true
        for (index, item) in elements.enumerated() {
            guard case .string(let text) = item.kind else { continue }
            if let entry = entry(text, in: path, index: index, position: item.position, field: field) {
                keys.add(entry)
                result.append(entry)
            } else {
                complete = false
            }
        }
        guard keys.containsDuplicates() else { return complete ? result : nil }
        reports = reportsBefore
        return entriesReportingDuplicates(elements, at: path, field: field)
    }

    /// Whether two entries name the same catalog or the same literal prefix.
    static func containsDuplicates(_ entries: [GuardEntry]) -> Bool {
        var keys = DuplicateKeys(capacity: entries.count)
        for index in entries.indices { keys.add(entries[index]) }
        return keys.containsDuplicates()
    }

    /// The list read entry by entry, each checked against the earlier ones: the exact report
    /// (with the earlier place named) once a duplicate is known to exist.
    private mutating func entriesReportingDuplicates(_ elements: [Value], at path: JSONPath, field: AddressField) -> [GuardEntry]? {
        var result: [GuardEntry] = []
        var seenCatalogs: [String: JSONPath] = [:]
        var seenPrefixes: [IPPrefix: JSONPath] = [:]
        seenPrefixes.reserveCapacity(elements.count)
        var complete = true
        for (index, item) in elements.enumerated() {
            guard case .string(let text) = item.kind else { continue }
            let elementPath = path.index(index)
            let position = item.position
            guard let entry = entry(text, in: path, index: index, position: position, field: field) else {
                complete = false
                continue
            }
            let earlier: JSONPath?
            switch entry.origin {
            case .catalog(let name):
                earlier = seenCatalogs[name]
                seenCatalogs[name] = seenCatalogs[name] ?? elementPath
            case .literal:
                if let index = seenPrefixes.index(forKey: entry.prefixes[0]) {
                    earlier = seenPrefixes.values[index]
                } else {
                    earlier = nil
                    seenPrefixes[entry.prefixes[0]] = elementPath
                }
            }
            if let earlier {
                report(elementPath, "\(quoted(text)) is listed twice (also at \(earlier)); remove one", at: position)
                complete = false
                continue
            }
            result.append(entry)
        }
        return complete ? result : nil
    }

    /// Element `index` of the list at `list`; its path is spelled out only for a report.
    private mutating func entry(_ text: String, in list: JSONPath, index: Int, position: StrictJSON.Position,
                                field: AddressField) -> GuardEntry? {
        var path: JSONPath { list.index(index) }
        let place = GuardEntry.Place.element(of: list, index: index)
        let fieldName = field == .source ? "guard.source" : "guard.destination"
        if let catalog = Catalog.named(text) {
            if let refusal = catalog.refusals[field] {
                report(path, "the \(quoted(text)) catalog cannot be used in \(fieldName): it \(refusal)", at: position)
                return nil
            }
            return GuardEntry(origin: .catalog(text), prefixes: .list(catalog.prefixes), place: place)
        }
        guard looksLikePrefix(text) else {
            let known = Catalog.names.map { quoted($0) }.joined(separator: ", ")
            let hint = NameSuggestion.closest(to: text, among: Catalog.names).map { "; did you mean \(quoted($0))?" }
                ?? "; the catalogs are \(known), or write a prefix such as \"127.0.0.0/8\""
            report(path, "\(quoted(text)) is neither a catalog nor a prefix\(hint)", at: position)
            return nil
        }
        // The longest IPv6 prefix text (with an embedded IPv4 address) is 49 characters.
        guard text.utf8.count <= 64 else {
            report(path, "\(quoted(text)) is \(text.utf8.count) bytes long, too long for a prefix; write a prefix such as \"127.0.0.0/8\" or \"::1/128\"", at: position)
            return nil
        }
        let parsed = text.utf8.withContiguousStorageIfAvailable { bytes in
            Result { () throws(AddressParseError) in try IPPrefix(utf8: bytes) }
        } ?? Result { () throws(AddressParseError) in try IPPrefix(parsing: text) }
        let prefix: IPPrefix
        switch parsed {
        case .success(let value): prefix = value
        case .failure(let error):
            report(path, error.description, at: position)
            return nil
        }
        if field == .source,
           let (catalog, protected) = Catalog.protectedSources.first(where: { overlap(prefix, $0.prefix) }) {
            let who = protected.family == .ipv4
                ? "DHCP clients send from 0.0.0.0 before they have an address (RFC 2131 §4.1)"
                : "IPv6 duplicate address detection sends from :: (RFC 4862 §5.4)"
            report(path, "\(quoted(text)) covers \(protected) (catalog \(quoted(catalog.name))), which is a legitimate source: \(who), so dropping it would break address configuration; guard it in guard.destination, or use a prefix that leaves \(protected) out", at: position)
            return nil
        }
        return GuardEntry(origin: .literal(text), prefixes: .one(prefix), place: place)
    }

    /// Catalog names are words; anything with a digit, `.`, `:` or `/` was meant as an address,
    /// so the address parser's message (with its suggested fix) is the helpful one.
    private func looksLikePrefix(_ text: String) -> Bool {
        // ASCII bytes never occur inside a multi-byte UTF-8 sequence, so bytes are scalars here.
        text.utf8.contains { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: ".")
            || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "/") }
    }

    private func overlap(_ a: IPPrefix, _ b: IPPrefix) -> Bool {
        switch (a, b) {
        case let (.v4(a), .v4(b)): a.range.overlaps(b.range)
        case let (.v6(a), .v6(b)): a.range.overlaps(b.range)
        default: false
        }
    }
}
