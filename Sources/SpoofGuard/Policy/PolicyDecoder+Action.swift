/// `action`: verdict, counter and the rate-limited log.
extension PolicyDecoder {
    mutating func decodeAction(_ value: Value, at path: JSONPath) -> Action? {
        guard let members = object(value, at: path, allowedKeys: ["verdict", "counter", "log"], what: "the action") else {
            return nil
        }
        var action = Action()
        var valid = true
        if let member = members["verdict"] {
            let verdictPath = path.key("verdict")
            if let text = string(member.value, at: verdictPath, what: "\"drop\" or \"reject\"") {
                if let verdict = Action.Verdict(rawValue: text) {
                    action.verdict = verdict
                } else {
                    let hint = NameSuggestion.hint(for: text, among: Action.Verdict.allCases.map(\.rawValue))
                    report(verdictPath, "\(quoted(text)) is not a verdict; use \"drop\" or \"reject\"\(hint)", at: member.value.position)
                    valid = false
                }
            } else {
                valid = false
            }
        }
        if let member = members["counter"] {
            if case .bool(let counter) = member.value.kind {
                action.counter = counter
            } else {
                let written: String = if case .string(let text) = member.value.kind { " (\(quoted(text)))" } else { "" }
                report(path.key("counter"), "must be true or false, not \(member.value.typeName)\(written)", at: member.value.position)
                valid = false
            }
        }
        if let member = members["log"] {
            if let log = decodeLog(member.value, at: path.key("log")) {
                action.log = log
            } else {
                valid = false
            }
        }
        return valid ? action : nil
    }

    /// The kernel's NF_LOG_PREFIXLEN is 128 bytes including the terminating NUL.
    static let maximumLogPrefixBytes = 127
    /// More log lines than this per unit would not be a rate limit worth the name.
    static let maximumLogRate: UInt64 = 1_000_000
    static let logRateUnits: [RateLimit.Unit] = [.second, .minute, .hour, .day]

    private mutating func decodeLog(_ value: Value, at path: JSONPath) -> LogAction? {
        guard let members = object(value, at: path, allowedKeys: ["prefix", "rate", "group"], what: "the log settings") else {
            return nil
        }
        var log = LogAction()
        var valid = true
        if let member = members["prefix"] {
            if let prefix = logPrefix(member.value, at: path.key("prefix")) { log.prefix = prefix } else { valid = false }
        }
        if let member = members["rate"] {
            if let rate = logRate(member.value, at: path.key("rate")) { log.rate = rate } else { valid = false }
        }
        if let member = members["group"] {
            if let group = integer(member.value, at: path.key("group"), in: 0...UInt64(UInt16.max), what: "an NFLOG group") {
                log.group = UInt16(group)
            } else {
                valid = false
            }
        }
        return valid ? log : nil
    }

    private mutating func logPrefix(_ value: Value, at path: JSONPath) -> String? {
        guard let prefix = string(value, at: path, what: "a log prefix") else { return nil }
        let length = prefix.utf8.count
        if length > Self.maximumLogPrefixBytes {
            report(path, "is \(length) bytes long; the kernel keeps at most \(Self.maximumLogPrefixBytes) (NF_LOG_PREFIXLEN), shorten it", at: value.position)
            return nil
        }
        // A newline would let a prefix forge extra log lines; `"` cannot be written in nft text.
        if let bad = prefix.unicodeScalars.first(where: { $0.value < 0x20 || $0.value == 0x7F || $0 == "\"" }) {
            let what = bad == "\"" ? "a double quote, which nft text cannot hold in a string" : "a control character, which would garble or forge log lines"
            report(path, "contains \(what); remove it", at: value.position)
            return nil
        }
        return prefix
    }

    /// `N/unit`, e.g. `10/minute`.
    private mutating func logRate(_ value: Value, at path: JSONPath) -> RateLimit? {
        guard let text = string(value, at: path, what: "a rate such as \"10/minute\"") else { return nil }
        let unitNames = Self.logRateUnits.map(\.rawValue)
        let format = "write a whole number of at least 1, \"/\", and one of \(unitNames.joined(separator: ", ")), e.g. \"10/minute\""
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            report(path, "\(quoted(text)) is not a rate; \(format)", at: value.position)
            return nil
        }
        // Written exactly as the policy schema has it: no spaces, no sign, no leading zero.
        let countText = parts[0], unitText = parts[1]
        guard !countText.isEmpty, countText.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            report(path, "\(quoted(text)) does not start with a whole number; \(format)", at: value.position)
            return nil
        }
        guard countText == "0" || countText.first != "0" else {
            report(path, "\(quoted(text)): write the number without leading zeros", at: value.position)
            return nil
        }
        guard let count = UInt64(countText), count >= 1, count <= Self.maximumLogRate else {
            report(path, "\(quoted(text)): the number must be from 1 to \(Self.maximumLogRate); \(format)", at: value.position)
            return nil
        }
        guard let unit = Self.logRateUnits.first(where: { $0.rawValue == unitText }) else {
            let hint = NameSuggestion.closest(to: String(unitText), among: unitNames)
                .map { "; did you mean \(quoted("\(countText)/\($0)"))?" } ?? "; \(format)"
            report(path, "\(quoted(text)): \(quoted(String(unitText))) is not a unit\(hint)", at: value.position)
            return nil
        }
        return RateLimit(rate: count, per: unit)
    }
}
