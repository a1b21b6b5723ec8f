extension Policy {
    /// Decodes and validates a policy (format version 1, DESIGN.md). Strict: unknown keys,
    /// duplicate keys and wrong types are errors, never ignored, because a typo in a security
    /// policy must not silently weaken it. Every problem is reported at once.
    /// - Parameter source: the file name shown in messages (`<stdin>` for standard input).
    public static func decode(_ bytes: [UInt8], source: String) throws(PolicyError) -> Policy {
        guard bytes.count <= maximumSize else {
            throw PolicyError(source: source, kind: .tooLarge, problems: [PolicyProblem(
                path: "$", message: "is larger than \(maximumSize >> 20) MiB; a policy is a small JSON object (is this the right file?)")])
        }
        let document: StrictJSON.Value
        do {
            document = try StrictJSON.parse(bytes)
        } catch {
            throw PolicyError(source: source, problems: [PolicyProblem(
                path: "", message: error.message, line: error.position.line, column: error.position.column)])
        }
        var decoder = PolicyDecoder()
        let policy = decoder.decodePolicy(document)
        guard decoder.problems.isEmpty, let policy else {
            // Document order reads best; problems without a place (defaults) go last.
            let ordered = decoder.problems.enumerated().sorted { a, b in
                let left = (a.element.line ?? .max, a.element.column ?? .max, a.offset)
                let right = (b.element.line ?? .max, b.element.column ?? .max, b.offset)
                return left < right
            }.map(\.element)
            throw PolicyError(source: source, problems: ordered, omittedProblemCount: decoder.omittedProblemCount)
        }
        return policy
    }
}

/// Walks the JSON tree once, collecting every problem; yields a `Policy` only if there are none.
struct PolicyDecoder {
    typealias Value = StrictJSON.Value
    private(set) var problems: [PolicyProblem] = []
    private(set) var omittedProblemCount = 0

    static let topLevelKeys = ["version", "table", "external", "internal", "guard", "action", "hooks"]
    static let defaultSources = ["loopback", "loopback-mapped"]
    static let defaultDestinations = ["loopback"]

    /// Everything reported so far; restoring it forgets a pass that is then read again.
    var reports: (problems: [PolicyProblem], omitted: Int) {
        get { (problems, omittedProblemCount) }
        set { (problems, omittedProblemCount) = newValue }
    }

    mutating func report(_ path: JSONPath, _ message: String, at position: StrictJSON.Position? = nil) {
        guard problems.count < PolicyError.maximumProblems else {
            omittedProblemCount += 1
            return
        }
        problems.append(PolicyProblem(path: path.description, message: message,
                                      line: position?.line, column: position?.column))
    }

    mutating func decodePolicy(_ document: Value) -> Policy? {
        let root = JSONPath.root
        guard let members = object(document, at: root, allowedKeys: Self.topLevelKeys, what: "a policy") else {
            return nil
        }
        guard let versionMember = members["version"] else {
            report(root.key("version"), "missing; a policy starts with \"version\": 1 (the format version)", at: document.position)
            return decodeFields(members, root: root)
        }
        guard checkVersion(versionMember.value, at: root.key("version")) else {
            // Another version is another format: its keys would only produce noise.
            problems.removeAll { $0.path != root.key("version").description }
            omittedProblemCount = 0
            return nil
        }
        return decodeFields(members, root: root)
    }

    private mutating func decodeFields(_ members: [String: StrictJSON.Member], root: JSONPath) -> Policy? {
        let table = members["table"].map { decodeTable($0.value, at: root.key("table")) } ?? Policy.defaultTable
        let hooks: [HookEntry]? = members["hooks"].map { decodeHooks($0.value, at: root.key("hooks")) }
            ?? [HookEntry(hook: .prerouting, path: root.key("hooks"), position: nil)]
        let interfaces = decodeInterfaces(external: members["external"]?.value, internal: members["internal"]?.value,
                                          hooks: hooks ?? [], root: root)
        let guards = decodeGuard(members["guard"]?.value, at: root.key("guard"))
        let action = members["action"].map { decodeAction($0.value, at: root.key("action")) } ?? Action()

        guard let table, let hooks, let interfaces, let guards, let action,
              problems.isEmpty, omittedProblemCount == 0 else { return nil }
        return Policy(table: table, external: interfaces.external, internal: interfaces.internal,
                      guardedSources: guards.sources, guardedDestinations: guards.destinations,
                      action: action, hooks: hooks.map(\.hook))
    }

    // MARK: version, table

    private mutating func checkVersion(_ value: Value, at path: JSONPath) -> Bool {
        switch value.kind {
        case .number(let text) where text == "1":
            return true
        case .number(let text) where Double(text) == 1:
            report(path, "must be the integer 1, written without a fraction or exponent (not \(shortened(text)))", at: value.position)
            return true
        case .number(let text):
            report(path, "must be 1: this spoofguard reads policy format version 1 only, not \(shortened(text))", at: value.position)
            return false
        case .string(let text) where text == "1":
            report(path, "must be the number 1, not the string \"1\"", at: value.position)
            return true
        default:
            report(path, "must be the number 1, not \(value.typeName)", at: value.position)
            return true
        }
    }

    /// nft's own table names may hold more, but this is what every nft version parses as an
    /// identifier unquoted: a letter, then letters, digits, `_` or `-`, at most 64 bytes.
    static let maximumTableNameLength = 64

    private mutating func decodeTable(_ value: Value, at path: JSONPath) -> String? {
        guard let name = string(value, at: path, what: "a table name") else { return nil }
        let scalars = Array(name.unicodeScalars)
        func isLetter(_ s: Unicode.Scalar) -> Bool { ("a"..."z").contains(s) || ("A"..."Z").contains(s) }
        func isAllowed(_ s: Unicode.Scalar) -> Bool { isLetter(s) || ("0"..."9").contains(s) || s == "_" || s == "-" }
        if scalars.isEmpty {
            report(path, "is empty; omit \"table\" for the default \"\(Policy.defaultTable)\"", at: value.position)
        } else if scalars.count > Self.maximumTableNameLength {
            report(path, "is longer than \(Self.maximumTableNameLength) characters", at: value.position)
        } else if !isLetter(scalars[0]) {
            report(path, "\(quoted(name)) must start with a letter (A-Z, a-z), as nft identifiers do", at: value.position)
        } else if let bad = scalars.first(where: { !isAllowed($0) }) {
            report(path, "\(quoted(name)) contains \(describe(bad)); a table name holds only letters, digits, \"_\" and \"-\"", at: value.position)
        } else if NFTKeywords.all.contains(name) {
            report(path, "\(quoted(name)) is an nft keyword, which nft cannot parse as a table name; choose another name such as \"\(Policy.defaultTable)\"", at: value.position)
        } else {
            return name
        }
        return nil
    }

    // MARK: Shared readers

    /// The members of an object by key, after reporting duplicate and unknown keys.
    mutating func object(_ value: Value, at path: JSONPath, allowedKeys: [String], what: String) -> [String: StrictJSON.Member]? {
        guard case .object(let members) = value.kind else {
            report(path, "must be \(what) (a JSON object), not \(value.typeName)", at: value.position)
            return nil
        }
        var byKey: [String: StrictJSON.Member] = [:]
        var firstSeen: [String: StrictJSON.Position] = [:]
        for member in members {
            let memberPath = path.key(member.key)
            if let first = firstSeen[member.key] {
                report(memberPath, "appears more than once (first at line \(first.line), column \(first.column)); keep one: a key given twice is ambiguous", at: member.keyPosition)
                continue
            }
            firstSeen[member.key] = member.keyPosition
            guard allowedKeys.contains(member.key) else {
                let suggestion = NameSuggestion.closest(to: member.key, among: allowedKeys)
                let hint = suggestion.map { "; did you mean \"\($0)\"?" }
                    ?? "; the keys allowed here are \(allowedKeys.map { "\"\($0)\"" }.joined(separator: ", "))"
                report(memberPath, "unknown key\(hint)", at: member.keyPosition)
                continue
            }
            byKey[member.key] = member
        }
        return byKey
    }

    mutating func string(_ value: Value, at path: JSONPath, what: String) -> String? {
        guard case .string(let text) = value.kind else {
            report(path, "must be \(what) (a string), not \(value.typeName)", at: value.position)
            return nil
        }
        return text
    }

    /// The elements of a list. A lone string where a list is expected gets the fix spelled out.
    mutating func list(_ value: Value, at path: JSONPath, what: String) -> [Value]? {
        switch value.kind {
        case .array(let elements):
            return elements
        case .string(let text):
            report(path, "must be a list of \(what), not a string; write [\(quoted(text))]", at: value.position)
        default:
            report(path, "must be a list of \(what), not \(value.typeName)", at: value.position)
        }
        return nil
    }

    /// A list of strings; elements of another type are reported and skipped (nil is returned
    /// then, so that a half-read list never becomes part of a policy).
    mutating func stringList(_ value: Value, at path: JSONPath, what: String, element: String) -> [(text: String, path: JSONPath, position: StrictJSON.Position)]? {
        guard let (result, complete) = strings(value, at: path, what: what, element: element) else { return nil }
        return complete ? result : nil
    }

    /// The string elements of a list, and whether every element was a string.
    mutating func strings(_ value: Value, at path: JSONPath, what: String, element: String) -> ([(text: String, path: JSONPath, position: StrictJSON.Position)], complete: Bool)? {
        guard let elements = list(value, at: path, what: what) else { return nil }
        var result: [(String, JSONPath, StrictJSON.Position)] = []
        var complete = true
        result.reserveCapacity(elements.count)
        for (index, item) in elements.enumerated() {
            let elementPath = path.index(index)
            if let text = string(item, at: elementPath, what: element) {
                result.append((text, elementPath, item.position))
            } else {
                complete = false
            }
        }
        return (result, complete)
    }

    /// A non-negative integer written as one (no fraction, exponent or sign).
    mutating func integer(_ value: Value, at path: JSONPath, in range: ClosedRange<UInt64>, what: String) -> UInt64? {
        guard case .number(let text) = value.kind else {
            report(path, "must be \(what) (a whole number from \(range.lowerBound) to \(range.upperBound)), not \(value.typeName)", at: value.position)
            return nil
        }
        guard let number = UInt64(text), range.contains(number) else {
            report(path, "must be a whole number from \(range.lowerBound) to \(range.upperBound), not \(shortened(text))", at: value.position)
            return nil
        }
        return number
    }

    /// Longest user text quoted back in a message; a 16 MiB "interface name" must not come
    /// back as a 16 MiB error line.
    static let maximumQuotedLength = 80

    func quoted(_ text: String) -> String {
        let scalars = text.unicodeScalars
        let shown = scalars.prefix(scalars.count > Self.maximumQuotedLength ? Self.maximumQuotedLength - 1 : scalars.count)
        let escaped = JSONString.escaped(String(String.UnicodeScalarView(shown)), style: .message)
        return "\"" + escaped + (shown.count < scalars.count ? "…" : "") + "\""
    }

    /// A number as written, cut like quoted text.
    func shortened(_ text: String) -> String {
        text.count > Self.maximumQuotedLength ? text.prefix(Self.maximumQuotedLength - 1) + "…" : text
    }

    func describe(_ scalar: Unicode.Scalar) -> String {
        if scalar.properties.isWhitespace { return "whitespace" }
        if scalar.value < 0x20 || scalar.value == 0x7F { return "a control character" }
        return quoted(String(scalar))
    }
}
